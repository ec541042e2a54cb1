import { Writable } from "node:stream";
import { createLogger } from "../../src/logger";

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString("utf8"));
      cb();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("censors credentials in headers and secret-named fields", () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: "test", destination: stream });
    log.info({ req: { headers: { authorization: "Bearer abc123", "x-webhook-secret": "whsec_1" } }, integration: { dxKey: "dx_9", service: "shopify" } }, "in");
    const line = JSON.parse(lines[0]) as { req: { headers: Record<string, string> }; integration: Record<string, string>; service: string };
    expect(line.req.headers.authorization).toBe("[redacted]");
    expect(line.req.headers["x-webhook-secret"]).toBe("[redacted]");
    expect(line.integration).toEqual({ dxKey: "[redacted]", service: "shopify" });
    expect(line.service).toBe("test");
    expect(lines[0]).not.toMatch(/abc123|whsec_1|dx_9/);
  });
});
