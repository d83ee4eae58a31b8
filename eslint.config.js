// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The wall (colyseus/, see colyseus/protocol.ts): the only code that may
 * know Colyseus' or ws' insides. Elsewhere in the app, no `ws` and no deep
 * `@colyseus/<pkg>/<path>` imports (tests and bench may reach in directly).
 */
const wallOnly = {
  paths: [{ name: "ws", message: "only colyseus/ (the wall) imports ws" }],
  patterns: [
    {
      group: ["@colyseus/*/*", "!@colyseus/schema/input"],
      message: "Colyseus internals are reached from colyseus/ (the wall) only",
    },
  ],
};

/** Wall files that run in the browser too: no Node built-ins; the only ones client/ may import. */
const browserSafeWall = ["sdkFrameTap.ts", "sdkReconnection.ts", "protocol.ts"];

export default tseslint.config(
  { ignores: [".scratch/**", "dist/**", "node_modules/**", "test-results/**", "bench/results/**", "client/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      eqeqeq: ["error", "always"],
    },
  },
  {
    // Only the wall (colyseus/), tests and the bench may import ws or reach into @colyseus/* paths.
    files: ["server/**/*.ts", "*.ts"],
    rules: { "no-restricted-imports": ["error", wallOnly] },
  },
  {
    files: ["shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: wallOnly.paths,
          patterns: [
            ...wallOnly.patterns,
            { group: ["node:*", "../server/*", "../client/*"], message: "shared/ must stay isomorphic" },
          ],
        },
      ],
    },
  },
  {
    files: browserSafeWall.map((file) => `colyseus/${file}`),
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "this wall file is imported by the browser client" },
            { group: ["../server/*", "../client/*"], message: "the browser-safe wall files stand alone" },
          ],
        },
      ],
    },
  },
  {
    files: ["client/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: wallOnly.paths,
          patterns: [
            ...wallOnly.patterns,
            {
              group: ["**/colyseus/*", ...browserSafeWall.map((file) => `!**/colyseus/${file}`)],
              message: `the client may import only the browser-safe wall files (${browserSafeWall.join(", ")})`,
            },
            { group: ["node:*"], message: "the client runs in a browser" },
            {
              group: ["../server/*", "../../server/*"],
              message: "import server types with `import type` only",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
