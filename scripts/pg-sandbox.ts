/**
 * npm run pg:sandbox -- [--port N] [--host H] [--secret-key K]
 * Runs the project's Toss-compatible sandbox gateway on its own and prints its
 * URL, for a cluster whose nodes share one sandbox (PG_BASE_URL=that URL).
 * The port comes from --port, else PORT, else 4010.
 */
import { parseArgs } from "node:util";
import { SANDBOX_SECRET_KEY, startSandbox } from "../services/payments/sandbox";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "secret-key": { type: "string" },
    },
  });
  // This tool's PORT and PG_SECRET_KEY are its own: platform/config's PORT is the API's (default 3000).
  // eslint-disable-next-line no-restricted-properties
  const env = process.env;
  const port = Number(values.port ?? env.PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be 0..65535");
  const secretKey = values["secret-key"] ?? env.PG_SECRET_KEY ?? SANDBOX_SECRET_KEY;

  const sandbox = await startSandbox({ port, host: values.host, secretKey });
  console.log(`Payment sandbox listening on ${sandbox.url}`);
  console.log(`  PG_BASE_URL=${sandbox.url}`);
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
