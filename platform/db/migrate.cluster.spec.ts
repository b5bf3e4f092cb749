import { createTestDatabase } from "../../test/support/databases";
import { openDatabase } from "./database";
import { MIGRATIONS, migrate } from "./migrate";

describe("migrations on a shared MariaDB", () => {
  test("nodes starting together migrate once between them", async () => {
    const db = await createTestDatabase("mariadb");
    const nodes = [openDatabase(db.url), openDatabase(db.url), openDatabase(db.url)];
    try {
      const applied = await Promise.all(nodes.map((s) => migrate(s)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await Promise.all(nodes.map((s) => s.close()));
      await db.drop();
    }
  });
});
