/** The baseline: a bare Express handler that answers 200 (`tsx bare-child.ts <port>`). */
import express from "express";

const app = express();
app.post("/api/v1/integrations/shopify/event", express.raw({ type: () => true, limit: "5mb" }), (_req, res) => {
  res.status(200).json({ ok: true });
});
const server = app.listen(Number(process.argv[2]), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
