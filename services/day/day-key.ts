/**
 * The key a hospital-day is sharded and fenced by: "<hospitalId>:<date>".
 * Every caller builds it here, so routing, actors and the fence agree.
 */
export const dayKeyOf = (hospitalId: number, date: string): string => `${hospitalId}:${date}`;

export function parseDayKey(dayKey: string): { hospitalId: number; date: string } {
  const [hospitalId, date] = dayKey.split(":");
  return { hospitalId: Number(hospitalId), date };
}
