import { isOwnHealthBody, redactUrl } from "../../start";

describe("isOwnHealthBody", () => {
  it("accepts each service's own /healthz body and nothing else", () => {
    expect(isOwnHealthBody("handlers", '{"status":"ok","service":"handlers"}')).toBe(true);
    expect(isOwnHealthBody("conduit", '{"status":"ok","service":"conduit"}')).toBe(true);
    expect(isOwnHealthBody("engine", "OK")).toBe(true);
    expect(isOwnHealthBody("engine", "WARN: inconsistent objects in schema")).toBe(true);
    expect(isOwnHealthBody("handlers", '{"status":"ok","service":"conduit"}')).toBe(false);
    expect(isOwnHealthBody("handlers", "OK")).toBe(false);
    expect(isOwnHealthBody("engine", "<html>welcome</html>")).toBe(false);
  });
});

describe("redactUrl", () => {
  it("hides the password and keeps the rest", () => {
    expect(redactUrl("postgres://app:s3cret@db.internal:5432/privacy")).toBe("postgres://app:***@db.internal:5432/privacy");
    expect(redactUrl("smtp://relay.example:587")).toBe("smtp://relay.example:587");
    expect(redactUrl("not a url")).toBe("(unparseable URL)");
  });
});
