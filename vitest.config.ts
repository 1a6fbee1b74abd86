import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.spec.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Live suites start their own registries on ephemeral ports; files run in parallel processes.
    pool: "forks",
    reporters: ["default"],
    // Builds dist/ when missing and links it into the samples, which import the built package.
    globalSetup: ["test/samples/globalSetup.ts"],
  },
});
