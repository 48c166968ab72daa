// oidc-provider 8 ships no types (and @types/oidc-provider is not a dependency): the part
// of its API the authorization server uses, as documented in its docs/README.md.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientLike {
    clientId: string;
    clientName?: string;
    redirectUris: string[];
  }

  export interface GrantLike {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface TokenLike {
    grantId?: string;
    clientId?: string;
    accountId?: string;
    destroy(): Promise<void>;
  }

  export interface OidcCtx {
    route: string;
    params: Record<string, unknown>;
    client?: ClientLike;
    session?: { accountId?: string };
    result?: { login?: { accountId: string }; consent?: { grantId?: string } };
    grant?: GrantLike;
    entities: {
      Grant?: GrantLike;
      AccessToken?: TokenLike;
      Client?: ClientLike;
      RefreshToken?: TokenLike;
      AuthorizationCode?: TokenLike;
    };
  }

  export interface KoaContext {
    oidc: OidcCtx;
    path: string;
    method: string;
    status: number;
    body: unknown;
    type: string;
    set(name: string, value: string): void;
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId: string };
    result?: Record<string, unknown>;
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean; acr?: string; amr?: string[] };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export class Check {
    constructor(
      reason: string,
      description: string,
      check: (ctx: KoaContext) => boolean | Promise<boolean>,
    );
    static REQUEST_PROMPT: true;
    static NO_NEED_TO_PROMPT: false;
  }

  export interface Prompt {
    name: string;
    checks: Check[] & { add(check: Check, i?: number): void };
  }

  export const interactionPolicy: {
    Check: typeof Check;
    base(): Prompt[] & { get(name: string): Prompt };
  };

  export const errors: {
    InvalidRequest: new (description: string) => Error;
    InvalidGrant: new (description: string) => Error;
    AccessDenied: new (description: string) => Error;
  };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    Grant: new (init: { accountId: string; clientId: string }) => GrantLike;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: Middleware): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
  }
}
