import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppConfig } from "./config";

/**
 * The configured JWT secret, or in embedded mode one generated on first start
 * and kept under the data folder, so tokens survive a restart.
 */
export function resolveJwtSecret(config: AppConfig, warn: (msg: string) => void): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, "jwt-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString("base64url");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  warn(`JWT_SECRET is not set: generated one and kept it in ${file}. Set JWT_SECRET in production.`);
  return secret;
}
