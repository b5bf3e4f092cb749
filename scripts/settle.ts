/**
 * npm run settle -- --date YYYY-MM-DD [--chunk 1000]
 * Settles one day against DB_URL's database, under the same lock as the
 * service's daily run, with a progress bar on stderr; prints the day's totals.
 * Running it again gives the same rows; after a crash it resumes.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../platform/config";
import { openDatabase, tuneDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { isValidDate } from "../platform/time";
import { DEFAULT_CHUNK_SIZE, settleDate } from "../services/settlement/settlement-batch";
import type { SettleProgress } from "../services/settlement/settlement-batch";
import { withSettlementLock } from "../services/settlement/settlement-lock";

const USAGE = "Usage: npm run settle -- --date YYYY-MM-DD [--chunk 1000]";
const won = (n: number) => `${n.toLocaleString("en-US")} won`;

function drawBar({ done, total }: SettleProgress): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} hospitals`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { date: { type: "string" }, chunk: { type: "string", default: String(DEFAULT_CHUNK_SIZE) } },
  });
  const date = values.date ?? "";
  const chunkSize = Number(values.chunk);
  const problems: string[] = [];
  if (!isValidDate(date)) problems.push(`--date must be a calendar date YYYY-MM-DD (got "${date}")`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 10_000)
    problems.push("--chunk must be 1..10000");
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);

  const config = loadConfig();
  const sequelize = openDatabase(config.dbUrl, { poolMax: 4 });
  try {
    await tuneDatabase(sequelize);
    await migrate(sequelize);
    const started = Date.now();
    const outcome = await withSettlementLock(sequelize, date, () =>
      settleDate(sequelize, date, { chunkSize, onProgress: drawBar }),
    );
    if (process.stderr.isTTY) process.stderr.write("\n");
    if (!outcome.ran)
      throw new Error(`Settlement of ${date} is running elsewhere (lock hre_settlement_${date}).`);
    const { totals, written, resumedAfter } = outcome.value;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Settled ${date} in ${seconds}s: ${totals.hospitals} hospitals (${written} rows upserted this run` +
        `${resumedAfter > 0 ? `, resumed after hospital ${resumedAfter}` : ""})`,
    );
    console.log(`  payments  ${totals.payments}`);
    console.log(`  gross     ${won(totals.gross)}`);
    console.log(`  refunds   ${won(totals.refunds)}`);
    console.log(`  discounts ${won(totals.discounts)}`);
    console.log(`  pg fees   ${won(totals.pgFees)}`);
    console.log(`  net       ${won(totals.net)}`);
  } finally {
    await sequelize.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
