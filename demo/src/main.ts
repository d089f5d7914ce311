import { loadDemoConfig } from './config.ts';
import { buildDemoShop } from './server.ts';

const config = loadDemoConfig(process.env);
const shop = await buildDemoShop({
  collectorUrl: config.COLLECTOR_PUBLIC_URL,
  siteId: config.DEMO_SITE_ID,
  port: config.DEMO_PORT,
  host: config.DEMO_HOST,
});
console.log(
  `Demo shop: ${shop.url} (snippet from ${config.COLLECTOR_PUBLIC_URL}, site ${config.DEMO_SITE_ID})`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shop.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
