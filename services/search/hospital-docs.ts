/** Hospitals as search documents, read from the table the hospitals domain owns. */
import { Op } from "sequelize";
import type { Transaction } from "sequelize";
import type { App } from "../../platform/app";
import type { HospitalModel } from "../../platform/db/models";
import type { DocSource } from "./engines";
import type { SearchDoc } from "./matching";

const BATCH = 5000;

export function toSearchDoc(h: HospitalModel): SearchDoc {
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    district: h.district,
    departments: h.departments,
    lat: h.lat,
    lng: h.lng,
    timeZone: h.timeZone,
    openingHours: h.openingHours,
    holidays: h.holidays,
    closesOnPublicHolidays: h.closesOnPublicHolidays,
  };
}

/** Every hospital, in id order, `BATCH` at a time (a full build never holds all rows twice). */
export function tableSource(app: Pick<App, "models">): DocSource {
  return async function* () {
    let after = 0;
    for (;;) {
      const rows = await app.models.Hospital.findAll({
        where: { id: { [Op.gt]: after } },
        order: [["id", "ASC"]],
        limit: BATCH,
      });
      if (rows.length === 0) return;
      yield rows.map(toSearchDoc);
      after = rows[rows.length - 1].id;
    }
  };
}

/** The hospitals of `ids` as committed now; an id missing from the answer was deleted. */
export async function loadDocs(
  app: Pick<App, "models">,
  ids: readonly number[],
  transaction?: Transaction,
): Promise<SearchDoc[]> {
  const rows = await app.models.Hospital.findAll({ where: { id: [...ids] }, transaction });
  return rows.map(toSearchDoc);
}
