// Vite builds the console into dist/, which ui/embed.go embeds. The build
// must be deterministic: CI rebuilds it from package-lock.json and fails when
// the result differs from the committed dist/.
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";

// JIANYAN_API is where `npm run dev` sends /api and /console/config.json:
// the local stack (`go run ./infra/local`) by default.
const api = process.env.JIANYAN_API || "http://127.0.0.1:8080";

export default defineConfig({
  base: "/console/",
  plugins: [
    vue(),
    // Element Plus components and their CSS are imported where a template
    // uses them, so each route's chunk carries only what it shows.
    Components({ resolvers: [ElementPlusResolver({ importStyle: "css" })], dts: false }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    // The preload polyfill would be inline script; every browser the
    // console supports has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": api,
      "/console/config.json": api,
      "/s/": api,
      "/r/": api,
    },
  },
});
