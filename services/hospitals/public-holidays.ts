import type { App } from "../../platform/app";

/** The public holidays on file, as local dates. A small table: read whole. */
export async function publicHolidays(app: App): Promise<string[]> {
  const rows = await app.models.PublicHoliday.findAll({ attributes: ["date"] });
  return rows.map((r) => r.date);
}
