import { defineConfig } from "vite";

/** The browser client: `client/` is the Vite root; the build lands in dist/client for the server to serve. */
export default defineConfig({
  root: "client",
  publicDir: false,
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    // In dev the page is served by the game server (Vite middleware), so HMR needs its own socket.
    hmr: { port: 24678 },
  },
});
