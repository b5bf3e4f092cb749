import { openDatabase } from "../../platform/db/database";
import { MIGRATIONS, migrate } from "../../platform/db/migrate";
import { createTestDatabase } from "../../test/support/databases";
import { startTestNode } from "../../test/support/test-node";
import { demoHospital } from "./generate";
import { isDatabaseEmpty, loadDemoData } from "./load";

describe("demo data", () => {
  test("the same seed gives the same hospitals; another seed differs", () => {
    expect(demoHospital(7, 42, "2026-11-24")).toEqual(demoHospital(7, 42, "2026-11-24"));
    expect(demoHospital(7, 42, "2026-11-24").hospital.name).not.toEqual(
      demoHospital(8, 42, "2026-11-24").hospital.name,
    );
    expect(demoHospital(7, 1, "2026-11-24").hospital.openingHours).toHaveLength(7);
  });

  test("loads hospitals, doctors and the API.md accounts; staff and admin can sign in", async () => {
    const node = await startTestNode();
    try {
      expect(await isDatabaseEmpty(node.app.sequelize)).toBe(true);
      const result = await loadDemoData(node.app.sequelize, {
        hospitals: 30,
        seed: 3,
        baseDate: "2026-11-24",
        password: "demo1234!",
        chunkSize: 7,
      });
      expect(result.hospitals).toBe(30);
      expect(await node.app.models.Hospital.count()).toBe(30);
      expect(await node.app.models.Doctor.count()).toBe(result.doctors);
      expect(result.doctors).toBeGreaterThanOrEqual(30);

      for (const email of ["staff-12@demo.local", "admin@demo.local", "patient@demo.local"]) {
        const res = await node.http("POST", "/api/v1/auth/login", { body: { email, password: "demo1234!" } });
        expect(res.status).toBe(200);
      }
      const staff = await node.app.models.User.findOne({ where: { email: "staff-12@demo.local" } });
      expect(staff?.hospitalId).toBe(12);

      // The round-the-clock hospital offers slots at any hour of any day.
      node.setNow("2026-11-29T18:00:00Z"); // Monday 03:00 in Seoul
      const slots = await node.http("GET", "/api/v1/hospitals/1/availability?date=2026-11-30");
      const open = slots.body.doctors
        .flatMap((d: { slots: { available: number }[] }) => d.slots)
        .filter((s: { available: number }) => s.available > 0);
      expect(open.length).toBeGreaterThan(50);
    } finally {
      await node.close();
    }
  });

  test("migrations are idempotent", async () => {
    const db = await createTestDatabase();
    const sequelize = openDatabase(db.url);
    try {
      expect(await migrate(sequelize)).toEqual(MIGRATIONS.map((m) => m.id));
      expect(await migrate(sequelize)).toEqual([]);
    } finally {
      await sequelize.close();
      await db.drop();
    }
  });
});
