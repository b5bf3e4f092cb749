import { createTestDatabase } from "../../test/support/databases";
import { openDatabase } from "./database";
import { migrate } from "./migrate";

describe("migrations on a shared MariaDB", () => {
  test("nodes starting together migrate once between them", async () => {
    const db = await createTestDatabase("mariadb");
    const nodes = [openDatabase(db.url), openDatabase(db.url), openDatabase(db.url)];
    try {
      const applied = await Promise.all(nodes.map((s) => migrate(s)));
      expect(applied.flat().sort()).toEqual(["001-initial", "002-booking", "003-reception"]);
    } finally {
      await Promise.all(nodes.map((s) => s.close()));
      await db.drop();
    }
  });
});
