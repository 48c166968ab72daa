import { cat, type Category } from './taxonomy.ts';

/**
 * ISO 18245 merchant category codes to our categories. Our own table: the code ranges are
 * the widely published card-network groupings, the mapping to categories is ours. Single
 * codes come before the range they sit in (first match wins).
 */
type Row = readonly [from: number, to: number, category: Category, confidence: number];

const rows: readonly Row[] = [
  // Transportation (4000–4799)
  [4111, 4111, cat('TRANSPORTATION', 'PUBLIC_TRANSIT'), 0.9],
  [4112, 4112, cat('TRANSPORTATION', 'RAIL'), 0.9],
  [4121, 4121, cat('TRANSPORTATION', 'TAXI_AND_RIDE_SHARE'), 0.9],
  [4131, 4131, cat('TRANSPORTATION', 'PUBLIC_TRANSIT'), 0.85],
  [4411, 4411, cat('TRAVEL', 'OTHER'), 0.8],
  [4511, 4582, cat('TRAVEL', 'FLIGHTS'), 0.9],
  [4722, 4722, cat('TRAVEL', 'OTHER'), 0.85],
  [4784, 4784, cat('TRANSPORTATION', 'OTHER'), 0.85],
  [4000, 4799, cat('TRANSPORTATION', 'OTHER'), 0.7],
  // Telecoms and utilities (4800–4999)
  [4812, 4816, cat('RENT_AND_UTILITIES', 'TELECOMS'), 0.85],
  [4899, 4899, cat('ENTERTAINMENT', 'STREAMING'), 0.8],
  [4900, 4900, cat('RENT_AND_UTILITIES', 'GAS_AND_ELECTRICITY'), 0.85],
  [4800, 4999, cat('RENT_AND_UTILITIES', 'OTHER'), 0.7],
  // Retail (5000–5599)
  [5200, 5200, cat('HOME_IMPROVEMENT', 'HARDWARE'), 0.85],
  [5211, 5251, cat('HOME_IMPROVEMENT', 'HARDWARE'), 0.85],
  [5300, 5300, cat('GENERAL_MERCHANDISE', 'DEPARTMENT_STORE'), 0.8],
  [5310, 5311, cat('GENERAL_MERCHANDISE', 'DEPARTMENT_STORE'), 0.85],
  [5331, 5331, cat('GENERAL_MERCHANDISE', 'OTHER'), 0.8],
  [5399, 5399, cat('GENERAL_MERCHANDISE', 'OTHER'), 0.75],
  [5411, 5411, cat('FOOD_AND_DRINK', 'GROCERIES'), 0.9],
  [5422, 5499, cat('FOOD_AND_DRINK', 'GROCERIES'), 0.85],
  [5541, 5542, cat('TRANSPORTATION', 'FUEL'), 0.9],
  [5511, 5599, cat('TRANSPORTATION', 'OTHER'), 0.75],
  // Clothing (5600–5699)
  [5600, 5699, cat('GENERAL_MERCHANDISE', 'CLOTHING'), 0.85],
  // Home, electronics, food service, misc retail (5700–5999)
  [5712, 5719, cat('HOME_IMPROVEMENT', 'FURNITURE'), 0.85],
  [5722, 5722, cat('GENERAL_MERCHANDISE', 'ELECTRONICS'), 0.85],
  [5732, 5734, cat('GENERAL_MERCHANDISE', 'ELECTRONICS'), 0.85],
  [5735, 5735, cat('GENERAL_MERCHANDISE', 'BOOKS_AND_MEDIA'), 0.8],
  [5811, 5811, cat('FOOD_AND_DRINK', 'RESTAURANT'), 0.8],
  [5812, 5812, cat('FOOD_AND_DRINK', 'RESTAURANT'), 0.85],
  [5813, 5813, cat('FOOD_AND_DRINK', 'BAR'), 0.85],
  [5814, 5814, cat('FOOD_AND_DRINK', 'FAST_FOOD'), 0.8],
  [5912, 5912, cat('GENERAL_MERCHANDISE', 'PHARMACY'), 0.85],
  [5942, 5942, cat('GENERAL_MERCHANDISE', 'BOOKS_AND_MEDIA'), 0.75],
  [5994, 5994, cat('GENERAL_MERCHANDISE', 'BOOKS_AND_MEDIA'), 0.75],
  [5960, 5969, cat('GENERAL_MERCHANDISE', 'ONLINE_MARKETPLACE'), 0.7],
  [5977, 5977, cat('PERSONAL_CARE', 'HAIR_AND_BEAUTY'), 0.8],
  [5700, 5999, cat('GENERAL_MERCHANDISE', 'OTHER'), 0.7],
  // Financial (6000–6999)
  [6010, 6011, cat('CASH', 'ATM_WITHDRAWAL'), 0.9],
  [6300, 6399, cat('GENERAL_SERVICES', 'INSURANCE'), 0.85],
  [6513, 6513, cat('RENT_AND_UTILITIES', 'RENT'), 0.85],
  [6000, 6999, cat('TRANSFER_OUT', 'ACCOUNT_TRANSFER'), 0.6],
  // Lodging (3501–3999 chains, 7011)
  [3501, 3999, cat('TRAVEL', 'LODGING'), 0.85],
  [7011, 7011, cat('TRAVEL', 'LODGING'), 0.9],
  // Airlines (3000–3350), car rental (3351–3500)
  [3000, 3350, cat('TRAVEL', 'FLIGHTS'), 0.9],
  [3351, 3500, cat('TRAVEL', 'CAR_RENTAL'), 0.9],
  // Services (7000–7999)
  [7230, 7230, cat('PERSONAL_CARE', 'HAIR_AND_BEAUTY'), 0.85],
  [7298, 7298, cat('PERSONAL_CARE', 'HAIR_AND_BEAUTY'), 0.8],
  [7512, 7519, cat('TRAVEL', 'CAR_RENTAL'), 0.85],
  [7523, 7523, cat('TRANSPORTATION', 'PARKING'), 0.9],
  [7832, 7832, cat('ENTERTAINMENT', 'CINEMA_AND_EVENTS'), 0.9],
  [7841, 7841, cat('ENTERTAINMENT', 'STREAMING'), 0.8],
  [7922, 7922, cat('ENTERTAINMENT', 'CINEMA_AND_EVENTS'), 0.85],
  [7994, 7994, cat('ENTERTAINMENT', 'GAMES'), 0.85],
  [7995, 7995, cat('ENTERTAINMENT', 'GAMBLING'), 0.9],
  [7997, 7997, cat('PERSONAL_CARE', 'GYM_AND_FITNESS'), 0.8],
  [7800, 7999, cat('ENTERTAINMENT', 'OTHER'), 0.7],
  [7000, 7799, cat('GENERAL_SERVICES', 'OTHER'), 0.6],
  // Professional services, medical, education (8000–8999)
  [8011, 8099, cat('MEDICAL', 'DOCTOR_AND_DENTIST'), 0.85],
  [8211, 8299, cat('GENERAL_SERVICES', 'EDUCATION'), 0.85],
  [8398, 8398, cat('GOVERNMENT_AND_NON_PROFIT', 'DONATIONS'), 0.85],
  [8651, 8651, cat('GOVERNMENT_AND_NON_PROFIT', 'OTHER'), 0.8],
  [8000, 8999, cat('GENERAL_SERVICES', 'OTHER'), 0.6],
  // Government (9000–9999)
  [9311, 9311, cat('GOVERNMENT_AND_NON_PROFIT', 'TAX'), 0.9],
  [9402, 9402, cat('GENERAL_SERVICES', 'POSTAGE'), 0.85],
  [9000, 9999, cat('GOVERNMENT_AND_NON_PROFIT', 'OTHER'), 0.7],
];

/** The category an MCC names, with how sure the table is; undefined for an unknown code. */
export function categoryForMcc(
  code: string | null | undefined,
): { category: Category; confidence: number } | undefined {
  if (!code || !/^\d{3,4}$/.test(code)) return undefined;
  const n = Number(code);
  const row = rows.find(([from, to]) => n >= from && n <= to);
  return row ? { category: row[2], confidence: row[3] } : undefined;
}
