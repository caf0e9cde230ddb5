// One placement rule (see shared/docs/style.md): unit tests sit beside pure code as
// src/**/*.test.ts; integration tests against real git and real Prosody live in test/.
// Both run from the TypeScript sources; @herald/* resolve to each package's src/.
const common = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^@herald/([a-z]+)$": "<rootDir>/packages/$1/src/index.ts",
    // The agent's light entry points (package.json "exports"), which the CLI loads at start-up.
    "^@herald/agent/paths$": "<rootDir>/packages/agent/src/machine/paths.ts",
    "^@herald/agent/status$": "<rootDir>/packages/agent/src/status.ts",
    "^@herald/agent/repo-path$": "<rootDir>/packages/agent/src/conflicts/repo-path.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "<rootDir>/tsconfig.test.json" }] },
};

export default {
  // Integration tests run real git and a real Prosody: generous, but bounded.
  testTimeout: 60_000,
  // Shards of about equal time (scripts/run-jest.mjs runs two side by side).
  testSequencer: "<rootDir>/scripts/test-sequencer.mjs",
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/packages/*/src/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/packages/*/test/**/*.test.ts"],
    },
  ],
};
