/**
 * moleculer-db over the node's shared Sequelize instance and a model that the
 * migrations own.
 */
import type { ServiceSchema } from "moleculer";
import DbService from "moleculer-db";
import SequelizeDbAdapter from "moleculer-db-adapter-sequelize";
import type { Model, ModelStatic, Sequelize } from "sequelize";

/**
 * The stock adapter opens (and on stop closes) a connection of its own and may
 * `sync()` tables. Here the connection belongs to the node and the schema to the
 * migrations. The instance is reached through a function because Moleculer
 * deep-clones mixin schemas, and a cloned Sequelize object no longer works.
 */
class SharedSequelizeAdapter extends SequelizeDbAdapter {
  declare db: Sequelize;
  declare model: ModelStatic<Model>;
  declare service: { schema: { model: ModelStatic<Model> }; model?: ModelStatic<Model> };

  constructor(private readonly database: () => Sequelize) {
    super({});
  }

  connect(): Promise<void> {
    this.db = this.database();
    this.model = this.service.schema.model;
    this.service.model = this.model;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

/** Mixes moleculer-db into a service for `model`. Its generic write actions are switched off: writes go through our own validated actions. */
export function dbMixin(sequelize: Sequelize, model: ModelStatic<Model>): Partial<ServiceSchema> {
  return {
    mixins: [DbService as unknown as Partial<ServiceSchema>],
    adapter: new SharedSequelizeAdapter(() => sequelize),
    model,
    settings: { idField: "id", pageSize: 20, maxPageSize: 100 },
    actions: { create: false, insert: false, update: false, remove: false },
  } as Partial<ServiceSchema>;
}
