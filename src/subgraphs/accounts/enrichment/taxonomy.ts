/**
 * Our own two-level spending taxonomy, modelled on the categories personal-finance apps
 * commonly show (primary / detailed). Written for this project; no third-party list copied.
 * A detailed code always starts with its primary's name, so either can be grouped on.
 */
export const taxonomy = {
  INCOME: ['WAGES', 'INTEREST', 'REFUND', 'OTHER_INCOME'],
  TRANSFER_IN: ['ACCOUNT_TRANSFER', 'DEPOSIT'],
  TRANSFER_OUT: ['ACCOUNT_TRANSFER', 'SAVINGS', 'WITHDRAWAL'],
  LOAN_PAYMENTS: ['CREDIT_CARD', 'MORTGAGE', 'OTHER'],
  BANK_FEES: ['OVERDRAFT', 'FOREIGN_TRANSACTION', 'OTHER'],
  FOOD_AND_DRINK: ['GROCERIES', 'RESTAURANT', 'FAST_FOOD', 'COFFEE', 'BAR', 'FOOD_DELIVERY'],
  GENERAL_MERCHANDISE: [
    'ONLINE_MARKETPLACE',
    'DEPARTMENT_STORE',
    'CLOTHING',
    'ELECTRONICS',
    'BOOKS_AND_MEDIA',
    'PHARMACY',
    'OTHER',
  ],
  HOME_IMPROVEMENT: ['HARDWARE', 'FURNITURE', 'OTHER'],
  TRANSPORTATION: ['PUBLIC_TRANSIT', 'TAXI_AND_RIDE_SHARE', 'FUEL', 'PARKING', 'RAIL', 'OTHER'],
  TRAVEL: ['FLIGHTS', 'LODGING', 'CAR_RENTAL', 'OTHER'],
  RENT_AND_UTILITIES: ['RENT', 'GAS_AND_ELECTRICITY', 'WATER', 'TELECOMS', 'OTHER'],
  ENTERTAINMENT: ['STREAMING', 'CINEMA_AND_EVENTS', 'GAMES', 'GAMBLING', 'OTHER'],
  PERSONAL_CARE: ['HAIR_AND_BEAUTY', 'GYM_AND_FITNESS', 'OTHER'],
  MEDICAL: ['HEALTH_INSURANCE', 'DOCTOR_AND_DENTIST', 'OTHER'],
  GENERAL_SERVICES: ['INSURANCE', 'EDUCATION', 'POSTAGE', 'OTHER'],
  GOVERNMENT_AND_NON_PROFIT: ['TAX', 'DONATIONS', 'OTHER'],
  CASH: ['ATM_WITHDRAWAL'],
  OTHER: ['OTHER'],
} as const satisfies Record<string, readonly string[]>;

export type PrimaryCategory = keyof typeof taxonomy;

export interface Category {
  primary: PrimaryCategory;
  /** `${primary}_${leaf}`, e.g. FOOD_AND_DRINK_GROCERIES. */
  detailed: string;
}

export const primaryCategories = Object.keys(taxonomy) as PrimaryCategory[];

/** Every detailed code, in taxonomy order. */
export const detailedCategories: readonly string[] = primaryCategories.flatMap((p) =>
  taxonomy[p].map((leaf: string) => `${p}_${leaf}`),
);

const byDetailed = new Map<string, Category>(
  primaryCategories.flatMap((p) =>
    taxonomy[p].map((leaf: string): [string, Category] => [
      `${p}_${leaf}`,
      { primary: p, detailed: `${p}_${leaf}` },
    ]),
  ),
);

/** The category a detailed code names, or undefined for a code not in the taxonomy. */
export const categoryOf = (detailed: string): Category | undefined => byDetailed.get(detailed);

/** A category by its two parts; throws on a typo, so tables fail at load, not at read. */
export function cat(primary: PrimaryCategory, leaf: string): Category {
  const c = byDetailed.get(`${primary}_${leaf}`);
  if (!c) throw new Error(`Not in the taxonomy: ${primary}_${leaf}`);
  return c;
}

export const uncategorised: Category = cat('OTHER', 'OTHER');
