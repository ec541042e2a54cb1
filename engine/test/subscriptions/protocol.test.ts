/**
 * The sub-protocols' message parsing and Hasura's close reasons (Protocol.hs).
 */
import { closeReason, parseClientMessage, pickSubProtocol } from "../../src/subscriptions/protocol";

describe("parseClientMessage", () => {
  test("reads both protocols' messages into one type", () => {
    expect(parseClientMessage('{"type":"subscribe","id":"1","payload":{"query":"{ a }","variables":{"x":1}}}')).toEqual({
      ok: true,
      message: { type: "subscribe", id: "1", payload: { query: "{ a }", variables: { x: 1 } } },
    });
    expect(parseClientMessage('{"type":"connection_init"}')).toEqual({ ok: true, message: { type: "connection_init" } });
    expect(parseClientMessage('{"type":"stop","id":"7"}')).toEqual({ ok: true, message: { type: "stop", id: "7" } });
  });

  test("refuses what Hasura cannot parse, naming the place but never echoing values", () => {
    expect(parseClientMessage("[1")).toEqual({ ok: false, reason: "not valid JSON" });
    expect(parseClientMessage('{"type":"launch","secret":"s3cret"}')).toEqual({ ok: false, reason: "unexpected type for ClientMessage" });
    expect(parseClientMessage('{"type":"start","id":"1","payload":{"query":42}}')).toEqual({ ok: false, reason: "invalid value at $.payload.query" });
    expect(parseClientMessage('{"type":"connection_init","payload":{"headers":{"x-hasura-admin-secret":7}}}')).toEqual({
      ok: false,
      reason: "invalid value at $.payload.headers.x-hasura-admin-secret",
    });
  });
});

describe("closeReason / pickSubProtocol", () => {
  test("a close reason is Hasura's JSON and fits a close frame (123 bytes) even for a long message", () => {
    expect(closeReason(4403, "Forbidden")).toBe('{"server_error_msg":"4403: Forbidden"}');
    const long = closeReason(4400, `Connection initialization failed: ${"é".repeat(200)}`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect((JSON.parse(long) as { server_error_msg: string }).server_error_msg).toMatch(/^4400: Connection initialization failed: é+\.\.\.$/);
  });

  test("graphql-transport-ws when offered, else the legacy protocol", () => {
    expect(pickSubProtocol(new Set(["graphql-ws", "graphql-transport-ws"]))).toBe("graphql-transport-ws");
    expect(pickSubProtocol(new Set(["graphql-ws"]))).toBe("graphql-ws");
    expect(pickSubProtocol(new Set())).toBe("graphql-ws");
  });
});
