import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The staff app: sources in `src/app`, built into `dist` (served by the dashboard server).
 * `npm run dev -w @floorwalker/dashboard` serves it with hot reload and proxies `/api` and `/socket.io` to a
 * dashboard server on http://localhost:8081 (the default DASHBOARD_PORT).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/app', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8081',
      // The staff socket (/agent namespace): live visitors and agent availability.
      '/socket.io': { target: 'http://localhost:8081', ws: true },
    },
  },
});
