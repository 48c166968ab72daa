/**
 * @apollo/gateway, unless APOLLO_TELEMETRY_DISABLED is `true`, starts in its constructor a
 * "data collection" metrics exporter to Apollo's servers and the AWS, GCP and Azure resource
 * detectors, which probe cloud metadata addresses (dist/index.js and
 * dist/utilities/opentelemetry.js in the package). It has no constructor option for this; the
 * constructor reads the variable. So it is set, not defaulted, before every `new
 * ApolloGateway`: nothing may call out, whatever the environment says.
 */
export function disableVendorTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}
