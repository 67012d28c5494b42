// The example page's build: `npx vite build --config examples/web/vite.config.ts` writes examples/web/dist/, which
// server.ts serves. `peerpay` is the SDK's source in this repository (its main entry is browser-safe); an app of
// your own installs the package and drops the alias.
import path from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: __dirname,
  base: "./",
  resolve: { alias: [{ find: /^peerpay$/, replacement: path.join(__dirname, "../../sdk/index.ts") }] },
  // ethers and the SDK make one chunk of about 500 kB minified (160 kB gzipped): no need to split a one-page app.
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
  },
  // `npx vite --config examples/web/vite.config.ts` serves the page with hot reload; the paid routes go to server.ts.
  server: { proxy: { "/api": `http://127.0.0.1:${process.env.PORT ?? 8080}` } },
});
