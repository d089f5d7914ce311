/** What a product illustration shows (see `product-art.ts`). */
export type ArtKind =
  | 'mug'
  | 'press'
  | 'knife'
  | 'shirt'
  | 'beanie'
  | 'sneaker'
  | 'backpack'
  | 'bottle'
  | 'lantern';

export interface Product {
  slug: string;
  sku: string;
  name: string;
  category: string;
  /** Price in euros. */
  price: number;
  blurb: string;
  details: string[];
  art: ArtKind;
  /** Illustration colours: background, main, accent. */
  colors: [string, string, string];
}

export interface Category {
  slug: string;
  name: string;
  tagline: string;
}

/** The shop's one currency. */
export const CURRENCY = 'EUR';
/** Orders from this subtotal ship free; below it shipping costs {@link SHIPPING_FEE}. */
export const FREE_SHIPPING_FROM = 60;
export const SHIPPING_FEE = 4.9;

export const categories: Category[] = [
  { slug: 'kitchen', name: 'Kitchen', tagline: 'Tools for slow mornings and long dinners.' },
  { slug: 'apparel', name: 'Apparel', tagline: 'Honest fabrics, cut to last.' },
  { slug: 'outdoor', name: 'Outdoor', tagline: 'Gear for weekends off the grid.' },
];

export const products: Product[] = [
  {
    slug: 'stoneware-mug',
    sku: 'KIT-MUG-01',
    name: 'Stoneware Mug',
    category: 'kitchen',
    price: 18,
    blurb: 'Hand-glazed, 350 ml, keeps coffee warm through the first email.',
    details: ['350 ml', 'Dishwasher safe', 'Glazed in Portugal'],
    art: 'mug',
    colors: ['#f3e9dc', '#c8553d', '#f28f3b'],
  },
  {
    slug: 'french-press',
    sku: 'KIT-PRS-02',
    name: 'Glass French Press',
    category: 'kitchen',
    price: 42,
    blurb: 'Borosilicate glass and a steel filter for a clean, full-bodied cup.',
    details: ['1 l, eight cups', 'Double steel mesh', 'Spare glass available'],
    art: 'press',
    colors: ['#e7f0ee', '#2f4858', '#86bbd8'],
  },
  {
    slug: 'chefs-knife',
    sku: 'KIT-KNF-03',
    name: "Chef's Knife 20 cm",
    category: 'kitchen',
    price: 89,
    blurb: 'Forged stainless steel with an oak handle, sharpened by hand.',
    details: ['20 cm blade', '58 HRC steel', 'Lifetime sharpening'],
    art: 'knife',
    colors: ['#efe9f4', '#5b5f97', '#b8b8d1'],
  },
  {
    slug: 'linen-shirt',
    sku: 'APP-SHT-01',
    name: 'Linen Shirt',
    category: 'apparel',
    price: 69,
    blurb: 'Washed European linen, relaxed fit, gets better every summer.',
    details: ['100% linen', 'Sizes XS–XXL', 'Mother-of-pearl buttons'],
    art: 'shirt',
    colors: ['#eef4ed', '#8da9c4', '#134074'],
  },
  {
    slug: 'wool-beanie',
    sku: 'APP-BNE-02',
    name: 'Merino Beanie',
    category: 'apparel',
    price: 29,
    blurb: 'Soft merino rib knit that does not itch, in five colours.',
    details: ['100% merino', 'One size', 'Knitted in Scotland'],
    art: 'beanie',
    colors: ['#fdf0d5', '#c1121f', '#780000'],
  },
  {
    slug: 'canvas-sneakers',
    sku: 'APP-SNK-03',
    name: 'Canvas Sneakers',
    category: 'apparel',
    price: 79,
    blurb: 'Organic canvas uppers on natural rubber soles.',
    details: ['EU 36–47', 'Organic cotton', 'Vulcanised rubber'],
    art: 'sneaker',
    colors: ['#e9f5db', '#718355', '#cfe1b9'],
  },
  {
    slug: 'trail-backpack',
    sku: 'OUT-BPK-01',
    name: 'Trail Backpack 24 l',
    category: 'outdoor',
    price: 119,
    blurb: 'Waxed canvas and leather, a laptop sleeve and room for a day out.',
    details: ['24 l', 'Waxed canvas', 'Padded 15" sleeve'],
    art: 'backpack',
    colors: ['#fefae0', '#606c38', '#dda15e'],
  },
  {
    slug: 'steel-bottle',
    sku: 'OUT-BTL-02',
    name: 'Insulated Bottle',
    category: 'outdoor',
    price: 32,
    blurb: 'Cold for 24 hours, hot for 12, and it will outlive your car.',
    details: ['750 ml', 'Double-wall steel', 'Leak-proof lid'],
    art: 'bottle',
    colors: ['#e0fbfc', '#3d5a80', '#ee6c4d'],
  },
  {
    slug: 'camp-lantern',
    sku: 'OUT-LTN-03',
    name: 'Camp Lantern',
    category: 'outdoor',
    price: 54,
    blurb: 'Warm dimmable light for 40 hours, charges over USB-C.',
    details: ['300 lumens', '40 h battery', 'IPX4 splash-proof'],
    art: 'lantern',
    colors: ['#fff3b0', '#335c67', '#e09f3e'],
  },
];

export const productBySlug = new Map(products.map((p) => [p.slug, p]));
export const categoryBySlug = new Map(categories.map((c) => [c.slug, c]));

/** `49.9` → `€49.90`. */
export function formatPrice(value: number): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(value);
}
