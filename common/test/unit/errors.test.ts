import { AuthError, errorBody, errorStatus, RateLimitedError, ValidationError } from "../../src/errors";

describe("errorBody", () => {
  it("keeps code, message and issue paths of a validation error", () => {
    const err = new ValidationError("Invalid payload", [{ path: "customer.email", message: "Required" }]);
    expect(errorStatus(err)).toBe(400);
    expect(errorBody(err, "e1")).toEqual({
      error: { code: "validation_failed", message: "Invalid payload", issues: [{ path: "customer.email", message: "Required" }], errorId: "e1" },
    });
  });

  it("maps auth and rate-limit errors to 401 and 429", () => {
    expect(errorStatus(new AuthError())).toBe(401);
    expect(errorStatus(new RateLimitedError("slow down", 30))).toBe(429);
    expect(errorBody(new AuthError("Bad signature"))).toEqual({ error: { code: "unauthorized", message: "Bad signature" } });
  });

  it("masks anything unexpected behind a generic internal error", () => {
    const err = new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2");
    expect(errorStatus(err)).toBe(500);
    expect(errorBody(err, "abc")).toEqual({
      error: { code: "internal", message: "Internal error; the request can be retried", errorId: "abc" },
    });
  });
});
