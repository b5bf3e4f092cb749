/** The sandbox's test key, and `PG_SECRET_KEY`'s default, shaped like Toss' own test keys. */
export const SANDBOX_SECRET_KEY = "test_sk_sandbox";
