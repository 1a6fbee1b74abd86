import { defineConfig } from "vitest/config";

// Two projects, one `npm test`: the library's tests (test/unit, component, harness, recorded, live,
// emulator) and the samples' (test/samples), which alone need dist/: only their global setup builds it.
export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Live suites start their own registries on ephemeral ports; files run in parallel processes.
    pool: "forks",
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: { name: "library", include: ["test/**/*.spec.ts"], exclude: ["test/samples/**"] },
      },
      {
        extends: true,
        // Builds dist/ when missing (and fails when it is older than src/), then links it into the samples.
        test: { name: "samples", include: ["test/samples/**/*.spec.ts"], globalSetup: ["test/samples/globalSetup.ts"] },
      },
    ],
  },
});
