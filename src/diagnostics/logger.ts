import { createClientLogger } from "@azure/logger";

/** The package's logger: enable with `AZURE_LOG_LEVEL=verbose` or `setLogLevel("verbose")`. */
export const logger = createClientLogger("container-registry");
