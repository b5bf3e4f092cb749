/**
 * The board page as the gateway sends it: drawn from the hospital's data,
 * every server value escaped, and one fixed policy whose hashes still match
 * its inline script and style whatever the data.
 */
import crypto from "node:crypto";
import { createDoctor, createHospital } from "../../test/support/fixtures";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

const MORNING = "2026-11-24T00:30:00Z"; // Tuesday 09:30 in Seoul

describe("GET /board/:hospitalId", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(MORNING);
  });
  afterAll(() => node.close());

  const page = async (path: string) => {
    const res = await fetch(`${node.baseUrl}${path}`);
    return {
      status: res.status,
      html: await res.text(),
      csp: res.headers.get("content-security-policy") ?? "",
    };
  };
  const hashOf = (html: string, tag: string) => {
    const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? "";
    return `'sha256-${crypto.createHash("sha256").update(body).digest("base64")}'`;
  };

  test("markup in a name stays text: escaped in the page, \\u003c in the data, the policy unchanged", async () => {
    const name = `</script><script>alert(1)</script><b>"의원"</b> & '병원'`;
    const hospital = await createHospital(node.app, { name });
    await createDoctor(node.app, hospital.id, { name: "<i>김</i>" });
    const plain = await createHospital(node.app);
    const [evil, calm] = [await page(`/board/${hospital.id}`), await page(`/board/${plain.id}`)];
    expect(evil.status).toBe(200);
    expect(evil.html).not.toContain("<script>alert(1)");
    expect(evil.html).toContain(
      "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;&quot;의원&quot;",
    );
    expect(evil.html).toContain("&amp; &#39;병원&#39;");
    expect(evil.html).toContain('<div class="room-doctor">&lt;i&gt;김&lt;/i&gt;</div>');
    const data =
      /<script type="application\/json" id="board-data">([\s\S]*?)<\/script>/.exec(evil.html)?.[1] ?? "";
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data).hospital.name).toBe(name);
    // Only the hashed script and style may run, and the data never changes their hashes.
    expect(evil.html.match(/<script>/g)).toHaveLength(1);
    expect(evil.csp).toBe(calm.csp);
    for (const tag of ["script", "style"]) expect(evil.csp).toContain(hashOf(evil.html, tag));
  });

  test("an unknown hospital or a bad address is a 404 page that says so", async () => {
    const missing = await page("/board/999999");
    expect(missing.status).toBe(404);
    expect(missing.html).toContain(">병원을 찾을 수 없습니다</h1>");
    const bad = await page("/board/abc");
    expect(bad.status).toBe(404);
    expect(bad.html).toContain(">주소에 병원 번호가 없습니다</h1>");
    expect(bad.csp).toBe(missing.csp);
  });
});
