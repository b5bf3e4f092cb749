/**
 * What every service of a node shares: configuration, the database and a clock.
 * Service schemas are factories over it, so tests build the same services
 * around their own database and clock.
 */
import type { Sequelize } from "sequelize";
import type { Clock } from "./clock";
import type { AppConfig } from "./config";
import type { Models } from "./db/models";

export interface App {
  config: AppConfig;
  sequelize: Sequelize;
  models: Models;
  jwtSecret: string;
  /** Time and timers; tests pass a clock they move. */
  clock: Clock;
  /** The current instant, from the clock. */
  now(): Date;
}
