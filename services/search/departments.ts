/**
 * Departments by the names patients use: synonyms and old names
 * (`department-synonyms.json`: 소아과 → 소아청소년과, 이비과 → 이비인후과, …).
 */
import synonyms from "./department-synonyms.json";
import { DEPARTMENTS } from "../hospitals/departments";
import { compact } from "./korean";

const BY_NAME = new Map<string, readonly string[]>(
  [
    ...DEPARTMENTS.map((d): [string, string[]] => [d, [d]]),
    ...Object.entries(synonyms as Record<string, string[]>),
  ].map(([name, departments]) => [compact(name), departments]),
);

/** The departments a word names, as stored on hospitals; empty when it names none. */
export function departmentsNamed(word: string): readonly string[] {
  return BY_NAME.get(compact(word)) ?? [];
}
