import { DataTypes } from "sequelize";
import type { ModelAttributeColumnOptions, Model } from "sequelize";

/**
 * A JSON value kept in a TEXT column. MariaDB's JSON type is LONGTEXT and comes
 * back from mysql2 as a string while SQLite has none, so we (de)serialize
 * ourselves and both dialects behave the same.
 */
export function jsonColumn<T>(field: string, fallback: T): ModelAttributeColumnOptions<Model> {
  return {
    type: DataTypes.TEXT,
    allowNull: false,
    get(this: Model): T {
      const raw = this.getDataValue(field) as string | null | undefined;
      return raw ? (JSON.parse(raw) as T) : fallback;
    },
    set(this: Model, value: T) {
      this.setDataValue(field, JSON.stringify(value ?? fallback));
    },
  };
}
