export {
  isKnownCountry,
  jurisdictionOf,
  jurisdictions,
  UnknownCountryError,
  type Jurisdiction,
} from './countries.ts';
export {
  largest,
  rulesByJurisdiction,
  rulesFor,
  rulesForCountry,
  type JurisdictionRules,
} from './rules.ts';
