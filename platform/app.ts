/**
 * What every service of a node shares: configuration, the database and a clock.
 * Service schemas are factories over it, so tests build the same services
 * around their own database and clock.
 */
import type { Sequelize } from "sequelize";
import type { AppConfig } from "./config";
import type { Models } from "./db/models";

export interface App {
  config: AppConfig;
  sequelize: Sequelize;
  models: Models;
  jwtSecret: string;
  /** The current instant; tests pass a fixed one. */
  now(): Date;
}
