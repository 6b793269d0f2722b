/** The product catalog: categories with their own price ranges, brands, and a Zipf-skewed popularity. */
import type { Product } from "../contracts";
import { PRODUCT_CATEGORIES } from "../contracts";
import { AliasTable, Rng } from "./prng";

type Category = (typeof PRODUCT_CATEGORIES)[number];

interface CategoryProfile {
  /** Median list price in USD and the spread (lognormal sigma). */
  median: number;
  sigma: number;
  /** Share of catalog items and of demand. */
  share: number;
  subcategories: readonly string[];
  nouns: readonly string[];
  brands: readonly string[];
}

export const CATEGORY_PROFILES: Record<Category, CategoryProfile> = {
  Apparel: {
    median: 35,
    sigma: 0.5,
    share: 18,
    subcategories: ["Tops", "Bottoms", "Outerwear", "Dresses"],
    nouns: ["T-Shirt", "Hoodie", "Jeans", "Jacket", "Dress", "Chinos", "Sweater"],
    brands: ["Northline", "Urbana", "Kestrel", "Mode&Co"],
  },
  Footwear: {
    median: 80,
    sigma: 0.4,
    share: 8,
    subcategories: ["Running", "Casual", "Boots"],
    nouns: ["Sneakers", "Running Shoes", "Boots", "Loafers", "Sandals"],
    brands: ["Stride", "Kestrel", "TrailPeak"],
  },
  Electronics: {
    median: 150,
    sigma: 0.9,
    share: 12,
    subcategories: ["Audio", "Phones", "Computers", "Accessories"],
    nouns: ["Wireless Headphones", "Earbuds", "Smartwatch", "Tablet", "Charger", "Speaker", "Laptop"],
    brands: ["Sonic", "Voltra", "Pixelon", "Arcwave"],
  },
  Home: {
    median: 45,
    sigma: 0.7,
    share: 14,
    subcategories: ["Kitchen", "Decor", "Bedding"],
    nouns: ["Cookware Set", "Lamp", "Throw Pillow", "Duvet", "Knife Set", "Vase"],
    brands: ["Hearth", "Casa Nova", "Linden"],
  },
  Beauty: {
    median: 22,
    sigma: 0.5,
    share: 10,
    subcategories: ["Skincare", "Makeup", "Fragrance"],
    nouns: ["Moisturizer", "Serum", "Lipstick", "Perfume", "Cleanser"],
    brands: ["Lumiere", "Petal", "Dermis"],
  },
  Sports: {
    median: 40,
    sigma: 0.8,
    share: 9,
    subcategories: ["Fitness", "Outdoor", "Cycling"],
    nouns: ["Yoga Mat", "Dumbbells", "Tent", "Bike Helmet", "Water Bottle"],
    brands: ["TrailPeak", "Forge", "Velo"],
  },
  Toys: {
    median: 25,
    sigma: 0.6,
    share: 7,
    subcategories: ["Games", "Building", "Plush"],
    nouns: ["Puzzle", "Building Set", "Board Game", "Plush Bear", "RC Car"],
    brands: ["Playwell", "Brickly"],
  },
  Grocery: {
    median: 6,
    sigma: 0.5,
    share: 12,
    subcategories: ["Pantry", "Beverages", "Snacks"],
    nouns: ["Coffee Beans", "Olive Oil", "Green Tea", "Granola", "Dark Chocolate"],
    brands: ["Harvest", "Daily Table"],
  },
  Books: {
    median: 15,
    sigma: 0.35,
    share: 7,
    subcategories: ["Fiction", "Non-fiction", "Kids"],
    nouns: ["Novel", "Cookbook", "Biography", "Picture Book", "Travel Guide"],
    brands: ["Folio Press", "Lantern Books"],
  },
  Jewelry: {
    median: 120,
    sigma: 1.0,
    share: 3,
    subcategories: ["Rings", "Necklaces", "Watches"],
    nouns: ["Ring", "Necklace", "Bracelet", "Watch", "Earrings"],
    brands: ["Aurum", "Solace"],
  },
};

const ADJECTIVES = [
  "Classic",
  "Premium",
  "Essential",
  "Eco",
  "Pro",
  "Lite",
  "Deluxe",
  "Everyday",
  "Signature",
  "Compact",
];

export interface Catalog {
  products: Product[];
  /** Product indices per category, most popular first. */
  byCategory: number[][];
  /** Popularity within each category (indices into byCategory[c]). */
  popularity: AliasTable[];
  /** Demand share per category (indices into PRODUCT_CATEGORIES). */
  categoryDemand: AliasTable;
  /** Price in cents (USD) per product index. */
  priceCents: Int32Array;
  categoryIndex: Uint8Array;
}

export function productId(index: number): string {
  return `PROD-${String(index + 1).padStart(6, "0")}`;
}

export function buildCatalog(seed: number, count: number): Catalog {
  const rng = Rng.derive(seed, 0xca7a106);
  const categories = PRODUCT_CATEGORIES;
  const shares = categories.map((c) => CATEGORY_PROFILES[c].share);
  // At least one product per category so that every category can be sold.
  const perCategory = categories.map(() => 1);
  const categoryPicker = new AliasTable(shares);
  for (let i = categories.length; i < count; i++) perCategory[categoryPicker.sample(rng)]++;
  const products: Product[] = [];
  const byCategory: number[][] = categories.map(() => []);
  const priceCents = new Int32Array(Math.max(count, categories.length));
  const categoryIndex = new Uint8Array(priceCents.length);
  categories.forEach((category, c) => {
    const profile = CATEGORY_PROFILES[category];
    for (let k = 0; k < perCategory[c]; k++) {
      const index = products.length;
      const cents = Math.round(rng.lognormal(profile.median, profile.sigma) * 100);
      // Prices end in .99 or .49 like shelf prices.
      const shelf = Math.floor(cents / 100) * 100 + (rng.bool(0.7) ? 99 : 49);
      priceCents[index] = shelf;
      categoryIndex[index] = c;
      const noun = rng.pick(profile.nouns);
      products.push({
        productId: productId(index),
        sku: `SKU-${category.slice(0, 3).toUpperCase()}-${String(index + 1).padStart(6, "0")}`,
        name: `${rng.pick(ADJECTIVES)} ${noun}`,
        category,
        subcategory: rng.pick(profile.subcategories),
        brand: rng.pick(profile.brands),
        price: shelf / 100,
        currency: "USD",
        stockQuantity: rng.bool(0.05) ? 0 : rng.range(1, 500),
      });
      byCategory[c].push(index);
    }
  });
  // Zipf(1.1) popularity within each category: a few best sellers, a long tail.
  const popularity = byCategory.map(
    (items) => new AliasTable(items.map((_, rank) => 1 / Math.pow(rank + 1, 1.1))),
  );
  return {
    products,
    byCategory,
    popularity,
    categoryDemand: new AliasTable(shares),
    priceCents,
    categoryIndex,
  };
}

export function pickProduct(catalog: Catalog, rng: Rng, category: number): number {
  const items = catalog.byCategory[category];
  return items[catalog.popularity[category].sample(rng)];
}

const CSV_COLUMNS = [
  "productId",
  "sku",
  "name",
  "category",
  "subcategory",
  "brand",
  "price",
  "currency",
  "stockQuantity",
] as const;

function csvField(value: unknown): string {
  const s = value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The catalog as a CSV extract with a header row (RFC 4180 quoting). */
export function catalogCsv(products: readonly Product[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const p of products) lines.push(CSV_COLUMNS.map((c) => csvField(p[c])).join(","));
  return lines.join("\n") + "\n";
}
