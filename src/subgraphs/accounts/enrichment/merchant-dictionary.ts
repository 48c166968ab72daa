import { cat, type Category } from './taxonomy.ts';

/**
 * Known merchants, each with the aliases its statement lines use (written upper case,
 * already cleaned: no store numbers or towns). Our own list of well-known UK and German
 * brands; an alias matches when a cleaned name starts with its words.
 */
export interface KnownMerchant {
  name: string;
  aliases: readonly string[];
  category: Category;
}

const m = (name: string, category: Category, ...aliases: string[]): KnownMerchant => ({
  name,
  category,
  aliases: [name.toUpperCase(), ...aliases],
});

export const knownMerchants: readonly KnownMerchant[] = [
  // Groceries
  m(
    'Tesco',
    cat('FOOD_AND_DRINK', 'GROCERIES'),
    'TESCO STORES',
    'TESCO EXPRESS',
    'TESCO METRO',
    'TESCO EXTRA',
  ),
  m(
    "Sainsbury's",
    cat('FOOD_AND_DRINK', 'GROCERIES'),
    'SAINSBURYS',
    'SAINSBURY',
    "SAINSBURY'S LOCAL",
    'JS ONLINE',
  ),
  m('Asda', cat('FOOD_AND_DRINK', 'GROCERIES'), 'ASDA STORES', 'ASDA SUPERSTORE'),
  m('Waitrose', cat('FOOD_AND_DRINK', 'GROCERIES'), 'WAITROSE & PARTNERS'),
  m('Lidl', cat('FOOD_AND_DRINK', 'GROCERIES'), 'LIDL GB', 'LIDL DIENSTLEISTUNG'),
  m('Aldi', cat('FOOD_AND_DRINK', 'GROCERIES'), 'ALDI STORES', 'ALDI SUED', 'ALDI NORD'),
  m('Morrisons', cat('FOOD_AND_DRINK', 'GROCERIES'), 'WM MORRISON', 'MORRISONS DAILY'),
  m('REWE', cat('FOOD_AND_DRINK', 'GROCERIES'), 'REWE MARKT', 'REWE SAGT DANKE'),
  m('EDEKA', cat('FOOD_AND_DRINK', 'GROCERIES'), 'EDEKA CENTER', 'E CENTER'),
  m('Kaufland', cat('FOOD_AND_DRINK', 'GROCERIES')),
  // Eating out
  m('Pret A Manger', cat('FOOD_AND_DRINK', 'FAST_FOOD'), 'PRET'),
  m('Costa Coffee', cat('FOOD_AND_DRINK', 'COFFEE'), 'COSTA'),
  m('Starbucks', cat('FOOD_AND_DRINK', 'COFFEE')),
  m('Wagamama', cat('FOOD_AND_DRINK', 'RESTAURANT')),
  m('Vapiano', cat('FOOD_AND_DRINK', 'RESTAURANT')),
  m('Backwerk', cat('FOOD_AND_DRINK', 'FAST_FOOD'), 'BACK WERK'),
  m('Burger King', cat('FOOD_AND_DRINK', 'FAST_FOOD'), 'BURGERKING'),
  m("McDonald's", cat('FOOD_AND_DRINK', 'FAST_FOOD'), 'MCDONALDS'),
  m('Deliveroo', cat('FOOD_AND_DRINK', 'FOOD_DELIVERY')),
  m('Lieferando', cat('FOOD_AND_DRINK', 'FOOD_DELIVERY'), 'LIEFERANDO DE'),
  m('Just Eat', cat('FOOD_AND_DRINK', 'FOOD_DELIVERY'), 'JUST EAT', 'JUSTEAT'),
  // Shopping
  m(
    'Amazon',
    cat('GENERAL_MERCHANDISE', 'ONLINE_MARKETPLACE'),
    'AMAZON UK',
    'AMAZON EU',
    'AMZN MKTP',
    'AMZN',
    'AMAZON MARKETPLACE',
    'AMAZON PRIME',
  ),
  m('Boots', cat('GENERAL_MERCHANDISE', 'PHARMACY'), 'BOOTS THE CHEMIST'),
  m('Rossmann', cat('GENERAL_MERCHANDISE', 'PHARMACY'), 'DIRK ROSSMANN'),
  m(
    'dm-drogerie markt',
    cat('GENERAL_MERCHANDISE', 'PHARMACY'),
    'DM DROGERIE MARKT',
    'DM DROGERIE',
    'DM FIL',
  ),
  m(
    'John Lewis',
    cat('GENERAL_MERCHANDISE', 'DEPARTMENT_STORE'),
    'JOHN LEWIS & PARTNERS',
    'JOHN LEWIS PLC',
  ),
  m('Currys', cat('GENERAL_MERCHANDISE', 'ELECTRONICS'), 'CURRYS PC WORLD', 'CURRYS PCWORLD'),
  m('MediaMarkt', cat('GENERAL_MERCHANDISE', 'ELECTRONICS'), 'MEDIA MARKT'),
  m('Zalando', cat('GENERAL_MERCHANDISE', 'CLOTHING'), 'ZALANDO SE'),
  m('IKEA', cat('HOME_IMPROVEMENT', 'FURNITURE')),
  // Transport
  m(
    'Transport for London',
    cat('TRANSPORTATION', 'PUBLIC_TRANSIT'),
    'TFL',
    'TFL TRAVEL CH',
    'TFL TRAVEL CHARGE',
    'TRANSPORT FOR LONDON',
  ),
  m('BVG', cat('TRANSPORTATION', 'PUBLIC_TRANSIT'), 'BVG BERLIN'),
  m('Deutsche Bahn', cat('TRANSPORTATION', 'RAIL'), 'DB VERTRIEB', 'DB BAHN', 'DB FERNVERKEHR'),
  m('Trainline', cat('TRANSPORTATION', 'RAIL'), 'TRAINLINE COM'),
  m('Uber', cat('TRANSPORTATION', 'TAXI_AND_RIDE_SHARE'), 'UBER TRIP', 'UBER BV'),
  m('Uber Eats', cat('FOOD_AND_DRINK', 'FOOD_DELIVERY'), 'UBER EATS', 'UBEREATS'),
  m('Shell', cat('TRANSPORTATION', 'FUEL'), 'SHELL UK', 'SHELL DEUTSCHLAND'),
  m('Aral', cat('TRANSPORTATION', 'FUEL'), 'ARAL TANKSTELLE', 'ARAL STATION'),
  m('BP', cat('TRANSPORTATION', 'FUEL'), 'BP SERVICE STATION'),
  // Bills and subscriptions
  m('British Gas', cat('RENT_AND_UTILITIES', 'GAS_AND_ELECTRICITY')),
  m('Vattenfall', cat('RENT_AND_UTILITIES', 'GAS_AND_ELECTRICITY'), 'VATTENFALL EUROPE'),
  m('Thames Water', cat('RENT_AND_UTILITIES', 'WATER')),
  m('EE', cat('RENT_AND_UTILITIES', 'TELECOMS'), 'EE LIMITED', 'EE LTD'),
  m('Vodafone', cat('RENT_AND_UTILITIES', 'TELECOMS'), 'VODAFONE UK', 'VODAFONE LTD'),
  m('Telekom', cat('RENT_AND_UTILITIES', 'TELECOMS'), 'TELEKOM DEUTSCHLAND', 'DEUTSCHE TELEKOM'),
  m('Techniker Krankenkasse', cat('MEDICAL', 'HEALTH_INSURANCE'), 'TK TECHNIKER'),
  m('Admiral', cat('GENERAL_SERVICES', 'INSURANCE'), 'ADMIRAL INSURANCE'),
  m('HUK-Coburg', cat('GENERAL_SERVICES', 'INSURANCE'), 'HUK COBURG'),
  m('ADAC', cat('GENERAL_SERVICES', 'INSURANCE'), 'ADAC E V', 'ADAC VERSICHERUNG'),
  m('McFit', cat('PERSONAL_CARE', 'GYM_AND_FITNESS'), 'MCFIT GMBH'),
  m('Netflix', cat('ENTERTAINMENT', 'STREAMING'), 'NETFLIX COM'),
  m('Spotify', cat('ENTERTAINMENT', 'STREAMING'), 'SPOTIFY AB', 'SPOTIFY P'),
  m('Cinemaxx', cat('ENTERTAINMENT', 'CINEMA_AND_EVENTS')),
  m('Odeon Cinemas', cat('ENTERTAINMENT', 'CINEMA_AND_EVENTS'), 'ODEON'),
];
