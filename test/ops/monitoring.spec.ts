/**
 * The monitoring files in docker/ are code too: Prometheus accepts the config
 * and the rules, the alerts' unit tests pass (promtool, Debian package
 * `prometheus`), and every engine metric the alerts and the dashboard query is
 * one the services register.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const PROM = path.join(ROOT, "docker/prometheus");
const DASHBOARDS = path.join(ROOT, "docker/grafana/dashboards");

/** Queried by an alert before the feature that exports it has landed (and the issue that brings it). */
const NOT_YET_EXPORTED = new Map([
  ["hre_settlement_last_success_timestamp_seconds", "daily settlement (payments and settlement)"],
]);

function promtool(...args: string[]): string {
  const run = spawnSync("promtool", args, { cwd: PROM, encoding: "utf8" });
  if (run.error) throw new Error(`promtool is needed (apt-get install prometheus): ${run.error.message}`);
  expect({ args, status: run.status, output: `${run.stdout}${run.stderr}` }).toMatchObject({ status: 0 });
  return run.stdout;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".spec.ts") ? [p] : [];
  });
}

const registered = new Set(
  sourceFiles(path.join(ROOT, "services")).flatMap((f) =>
    [...fs.readFileSync(f, "utf8").matchAll(/name: "(hre_[a-z_]+)"/g)].map((m) => m[1]),
  ),
);

/** Metric names in PromQL, without the suffixes Prometheus adds to histograms. */
const queried = (text: string) =>
  [...text.matchAll(/\b(hre_[a-z_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ""));

describe("monitoring", () => {
  test("prometheus.yml and alerts.yml are valid, and the alert unit tests pass", () => {
    promtool("check", "config", "prometheus.yml");
    promtool("check", "rules", "alerts.yml");
    expect(promtool("test", "rules", "alerts.test.yml")).toContain("SUCCESS");
  });

  test("every engine metric the alerts and dashboards query is exported", () => {
    const files = [
      path.join(PROM, "alerts.yml"),
      ...fs.readdirSync(DASHBOARDS).map((f) => path.join(DASHBOARDS, f)),
    ];
    const names = new Set(files.flatMap((f) => queried(fs.readFileSync(f, "utf8"))));
    expect(names.size).toBeGreaterThan(5);
    const missing = [...names].filter((n) => !registered.has(n) && !NOT_YET_EXPORTED.has(n));
    expect(missing).toEqual([]);
    // Once a pending metric is exported, it leaves the list (so the list cannot hide a typo).
    expect([...NOT_YET_EXPORTED.keys()].filter((n) => registered.has(n))).toEqual([]);
  });

  test("the dashboard is valid Grafana JSON with panels on the Prometheus datasource", () => {
    for (const file of fs.readdirSync(DASHBOARDS)) {
      const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, file), "utf8")) as {
        uid: string;
        panels: { datasource: { uid: string }; targets: { expr: string }[] }[];
      };
      expect(dashboard.uid).toBeTruthy();
      expect(dashboard.panels.length).toBeGreaterThan(5);
      for (const panel of dashboard.panels) {
        expect(panel.datasource.uid).toBe("prometheus");
        expect(panel.targets.length).toBeGreaterThan(0);
      }
    }
  });
});
