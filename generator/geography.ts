/** Countries the synthetic retailer sells in: currency, tax, cities and phone number shapes. */
import type { Rng } from "./prng";

export interface City {
  city: string;
  stateCode?: string;
  postal: (rng: Rng) => string;
}

export interface Country {
  code: string;
  weight: number;
  currency: string;
  /** Units of the currency per USD (catalog prices are in USD). */
  fxPerUsd: number;
  /** Sales tax added on top of the subtotal (VAT countries price it in). */
  taxRate: number;
  cities: readonly City[];
  emailDomains: readonly string[];
  /** A valid phone number in one of the formats people actually type. */
  phone: (rng: Rng) => string;
}

const digits = (rng: Rng, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
};
const num = (rng: Rng, min: number, max: number) => String(rng.range(min, max));
const letter = (rng: Rng) => "ABCDEFGHJKLMNPRSTUWXYZ"[rng.int(22)];

// US exchanges must not start with 0/1 nor be an N11 service code.
const usExchange = (rng: Rng) => {
  for (;;) {
    const e = num(rng, 200, 999);
    if (e.slice(1) !== "11") return e;
  }
};
const US_AREAS = ["212", "312", "415", "617", "206", "303", "512", "305", "404", "702"];

export const COUNTRIES: readonly Country[] = [
  {
    code: "US",
    weight: 50,
    currency: "USD",
    fxPerUsd: 1,
    taxRate: 0.08,
    cities: [
      { city: "New York", stateCode: "NY", postal: (r) => "100" + digits(r, 2) },
      { city: "Chicago", stateCode: "IL", postal: (r) => "606" + digits(r, 2) },
      { city: "San Francisco", stateCode: "CA", postal: (r) => "941" + digits(r, 2) },
      { city: "Boston", stateCode: "MA", postal: (r) => "021" + digits(r, 2) },
      { city: "Seattle", stateCode: "WA", postal: (r) => "981" + digits(r, 2) },
      { city: "Denver", stateCode: "CO", postal: (r) => "802" + digits(r, 2) },
      { city: "Austin", stateCode: "TX", postal: (r) => "787" + digits(r, 2) },
      { city: "Miami", stateCode: "FL", postal: (r) => "331" + digits(r, 2) },
      { city: "Atlanta", stateCode: "GA", postal: (r) => "303" + digits(r, 2) },
      { city: "Las Vegas", stateCode: "NV", postal: (r) => "891" + digits(r, 2) },
    ],
    emailDomains: ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"],
    phone: (r) => {
      const [a, e, s] = [r.pick(US_AREAS), usExchange(r), digits(r, 4)];
      return r.pick([`+1 ${a}-${e}-${s}`, `(${a}) ${e}-${s}`, `+1${a}${e}${s}`, `${a}.${e}.${s}`]);
    },
  },
  {
    code: "GB",
    weight: 12,
    currency: "GBP",
    fxPerUsd: 0.79,
    taxRate: 0,
    cities: [
      { city: "London", postal: (r) => `SW${r.range(1, 9)} ${r.range(1, 9)}${letter(r)}${letter(r)}` },
      { city: "Manchester", postal: (r) => `M${r.range(1, 20)} ${r.range(1, 9)}${letter(r)}${letter(r)}` },
      { city: "Birmingham", postal: (r) => `B${r.range(1, 30)} ${r.range(1, 9)}${letter(r)}${letter(r)}` },
    ],
    emailDomains: ["gmail.com", "btinternet.com", "outlook.com", "yahoo.co.uk"],
    phone: (r) =>
      r.pick([
        `+44 20 7${digits(r, 3)} ${digits(r, 4)}`,
        `+44 7${r.pick(["4", "5", "8"])}${digits(r, 2)} ${digits(r, 6)}`,
      ]),
  },
  {
    code: "DE",
    weight: 10,
    currency: "EUR",
    fxPerUsd: 0.92,
    taxRate: 0,
    cities: [
      { city: "Berlin", postal: (r) => "10" + digits(r, 3) },
      { city: "München", stateCode: "BY", postal: (r) => "80" + digits(r, 3) },
      { city: "Hamburg", stateCode: "HH", postal: (r) => "20" + digits(r, 3) },
    ],
    emailDomains: ["gmail.com", "web.de", "gmx.de", "t-online.de"],
    phone: (r) => r.pick([`+49 30 ${digits(r, 8)}`, `+49 151 ${digits(r, 8)}`]),
  },
  {
    code: "FR",
    weight: 8,
    currency: "EUR",
    fxPerUsd: 0.92,
    taxRate: 0,
    cities: [
      { city: "Paris", postal: (r) => "750" + num(r, 10, 20) },
      { city: "Lyon", postal: (r) => "6900" + r.range(1, 9) },
    ],
    emailDomains: ["gmail.com", "orange.fr", "free.fr", "laposte.net"],
    phone: (r) =>
      r.pick([
        `+33 1 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
        `+33 6 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
      ]),
  },
  {
    code: "CA",
    weight: 8,
    currency: "CAD",
    fxPerUsd: 1.36,
    taxRate: 0.13,
    cities: [
      { city: "Toronto", stateCode: "ON", postal: (r) => `M5V ${r.range(1, 9)}${letter(r)}${r.range(1, 9)}` },
      {
        city: "Vancouver",
        stateCode: "BC",
        postal: (r) => `V6B ${r.range(1, 9)}${letter(r)}${r.range(1, 9)}`,
      },
    ],
    emailDomains: ["gmail.com", "outlook.com", "rogers.com"],
    phone: (r) => `+1 ${r.pick(["416", "604"])} ${usExchange(r)} ${digits(r, 4)}`,
  },
  {
    code: "AU",
    weight: 6,
    currency: "AUD",
    fxPerUsd: 1.52,
    taxRate: 0,
    cities: [
      { city: "Sydney", stateCode: "NSW", postal: (r) => "20" + digits(r, 2) },
      { city: "Melbourne", stateCode: "VIC", postal: (r) => "30" + digits(r, 2) },
    ],
    emailDomains: ["gmail.com", "bigpond.com", "outlook.com"],
    phone: (r) =>
      r.pick([
        `+61 2 9${digits(r, 3)} ${digits(r, 4)}`,
        `+61 4${r.pick(["0", "1", "2", "3", "6"])}${digits(r, 1)} ${digits(r, 3)} ${digits(r, 3)}`,
      ]),
  },
  {
    code: "NL",
    weight: 3,
    currency: "EUR",
    fxPerUsd: 0.92,
    taxRate: 0,
    cities: [{ city: "Amsterdam", postal: (r) => `10${num(r, 11, 99)} ${letter(r)}${letter(r)}` }],
    emailDomains: ["gmail.com", "ziggo.nl", "kpnmail.nl"],
    phone: (r) => r.pick([`+31 20 ${digits(r, 3)} ${digits(r, 4)}`, `+31 6 ${digits(r, 8)}`]),
  },
  {
    code: "ES",
    weight: 3,
    currency: "EUR",
    fxPerUsd: 0.92,
    taxRate: 0,
    cities: [{ city: "Madrid", postal: (r) => "280" + digits(r, 2) }],
    emailDomains: ["gmail.com", "hotmail.es", "telefonica.net"],
    phone: (r) =>
      r.pick([
        `+34 91 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`,
        `+34 6${digits(r, 2)} ${digits(r, 3)} ${digits(r, 3)}`,
      ]),
  },
];

export const STREETS = [
  "Main St",
  "Oak Ave",
  "Maple Dr",
  "Park Rd",
  "High St",
  "Church Ln",
  "Station Rd",
  "Elm St",
  "Lake View",
  "Mill Way",
  "King St",
  "Queen St",
  "Harbour Rd",
  "Cedar Ct",
  "Willow Pl",
];

export const FEMALE_NAMES = [
  "Emma",
  "Olivia",
  "Ava",
  "Sophia",
  "Mia",
  "Amelia",
  "Isla",
  "Charlotte",
  "Lena",
  "Chloé",
  "Lucía",
  "Sofia",
  "Hannah",
  "Grace",
  "Zoe",
  "Nora",
  "Maya",
  "Aisha",
  "Priya",
  "Mei",
  "Elena",
  "Julia",
  "Clara",
  "Freya",
  "Ruby",
];
export const MALE_NAMES = [
  "Liam",
  "Noah",
  "Oliver",
  "James",
  "Lucas",
  "Elijah",
  "Mateo",
  "Leon",
  "Hugo",
  "Jack",
  "Finn",
  "Arjun",
  "Wei",
  "Omar",
  "Daniel",
  "Samuel",
  "Ethan",
  "Felix",
  "Louis",
  "Pablo",
  "Jonas",
  "Theo",
  "Max",
  "Ryan",
  "David",
];
export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Martinez",
  "Wilson",
  "Taylor",
  "Anderson",
  "Thomas",
  "Moore",
  "Martin",
  "Lee",
  "Thompson",
  "White",
  "Harris",
  "Clark",
  "Müller",
  "Schmidt",
  "Dubois",
  "Bernard",
  "Rossi",
  "Fernández",
  "de Vries",
  "Jansen",
  "O'Brien",
  "Nguyen",
  "Patel",
  "Chen",
  "Kim",
  "Singh",
  "Kowalski",
];

/** ASCII local part for an email address built from a name. */
export function emailLocal(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}
