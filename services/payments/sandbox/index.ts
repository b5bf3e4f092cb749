/** The sandbox gateway: `startSandbox({port, host, secretKey}) → {url, requests, close()}`. */
export { startSandbox } from "./server";
export type { Sandbox, SandboxOptions, SandboxRequest } from "./server";
export { SANDBOX_SECRET_KEY } from "./defaults";
