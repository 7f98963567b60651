package org.denoiselab.service;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Bearer-token authentication of the HTTP API through Quarkus security. {@link Mechanism} reads {@code
 * Authorization: Bearer <token>} and hands it to {@link Tokens}, which accepts one of {@code denoise.auth.tokens}
 * (compared in constant time, as SHA-256 digests); the policies {@code denoise-write} and {@code denoise-read}
 * (META-INF/microprofile-config.properties maps them onto methods and paths) let a request through or answer
 * 401 with {@code WWW-Authenticate: Bearer}. Holds the start-up checks of {@link ApiAuthConfig}.
 */
@ApplicationScoped
public class ApiAuth {
    private static final Logger LOG = Logger.getLogger(ApiAuth.class);

    /** shortest token accepted: 32 characters (openssl rand -hex 32 gives 64) */
    static final int MIN_TOKEN_LENGTH = 32;

    /** role of a caller with a valid token */
    public static final String CALLER_ROLE = "api-client";

    @Inject
    ApiAuthConfig config;

    /** digests of the accepted tokens */
    private volatile List<byte[]> digests = List.of();

    /**
     * Checks the settings at start-up and logs what is protected.
     *
     * @throws IllegalStateException naming DENOISE_AUTH_TOKENS when a token is shorter than 32 characters, or
     *     when reads are protected (DENOISE_AUTH_PROTECT_READS) but no token is configured
     */
    void start(@Observes @Priority(1) StartupEvent event) {
        List<String> tokens = config.tokens().orElse(List.of()).stream()
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).length() < MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("DENOISE_AUTH_TOKENS (denoise.auth.tokens): token " + (i + 1) + " of "
                        + tokens.size() + " has " + tokens.get(i).length() + " characters, expected at least "
                        + MIN_TOKEN_LENGTH + " (e.g. openssl rand -hex 32)");
            }
        }
        List<byte[]> d = new ArrayList<>();
        tokens.forEach(t -> d.add(sha256(t)));
        digests = List.copyOf(d);
        if (!config.enabled()) {
            LOG.warn("API authentication is OFF (DENOISE_AUTH_ENABLED=false): anyone who reaches this port may"
                    + " submit experiments");
            return;
        }
        if (config.protectReads() && tokens.isEmpty()) {
            throw new IllegalStateException("DENOISE_AUTH_TOKENS (denoise.auth.tokens): required with"
                    + " DENOISE_AUTH_PROTECT_READS=true; or set DENOISE_AUTH_ENABLED=false");
        }
        LOG.infof(
                "API authentication: bearer token for requests that change state (%d token(s)), reads %s",
                tokens.size(), config.protectReads() ? "too" : "open");
    }

    /**
     * For a service that answers state-changing requests (the trainer's intake): stops start-up when nobody
     * could ever be let through.
     *
     * @param what the requests, for the message, e.g. "POST /experiments"
     * @throws IllegalStateException naming DENOISE_AUTH_TOKENS and DENOISE_AUTH_ENABLED
     */
    public void requireTokensFor(String what) {
        if (config.enabled() && config.tokens().orElse(List.of()).stream().allMatch(String::isBlank)) {
            throw new IllegalStateException("DENOISE_AUTH_TOKENS (denoise.auth.tokens): required, " + what
                    + " needs a bearer token; set it (a Secret on a cluster), or DENOISE_AUTH_ENABLED=false to run"
                    + " without authentication on a machine nobody else reaches");
        }
    }

    boolean accepts(String token) {
        byte[] given = sha256(token);
        boolean ok = false;
        for (byte[] d : digests) {
            ok |= MessageDigest.isEqual(d, given); // no early exit: the time does not tell which token matched
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the bearer token of a request; a request without one is anonymous (the policies decide). */
    @ApplicationScoped
    public static class Mechanism implements HttpAuthenticationMechanism {
        private static final String PREFIX = "bearer ";

        @Override
        public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
            String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                return Uni.createFrom().optional(Optional.empty());
            }
            String token = header.substring(PREFIX.length()).trim();
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                    new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), context));
        }

        @Override
        public Uni<ChallengeData> getChallenge(RoutingContext context) {
            return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"denoise-lab\""));
        }

        @Override
        public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
            return Set.of(TokenAuthenticationRequest.class);
        }

        @Override
        public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
            return Uni.createFrom()
                    .item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
        }
    }

    /** Accepts a token that is one of denoise.auth.tokens; anything else fails authentication (401). */
    @ApplicationScoped
    public static class Tokens implements IdentityProvider<TokenAuthenticationRequest> {
        @Inject
        ApiAuth auth;

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(
                TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            if (!auth.accepts(request.getToken().getToken())) {
                return Uni.createFrom().failure(new AuthenticationFailedException("unknown bearer token"));
            }
            return Uni.createFrom()
                    .item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal("api-token"))
                            .addRole(CALLER_ROLE)
                            .addCredential(request.getToken())
                            .build());
        }
    }

    /** Requests that change state: a valid token, unless authentication is off. */
    @ApplicationScoped
    public static class WritePolicy implements HttpSecurityPolicy {
        @Inject
        ApiAuthConfig config;

        @Override
        public Uni<CheckResult> checkPermission(
                RoutingContext request, Uni<SecurityIdentity> identity, AuthorizationRequestContext context) {
            if (!config.enabled()) {
                return CheckResult.permit();
            }
            return identity.map(id -> id.isAnonymous() ? CheckResult.DENY : CheckResult.PERMIT);
        }

        @Override
        public String name() {
            return "denoise-write";
        }
    }

    /** Reads: a valid token when denoise.auth.protect-reads, else anyone. */
    @ApplicationScoped
    public static class ReadPolicy implements HttpSecurityPolicy {
        @Inject
        ApiAuthConfig config;

        @Override
        public Uni<CheckResult> checkPermission(
                RoutingContext request, Uni<SecurityIdentity> identity, AuthorizationRequestContext context) {
            if (!config.enabled() || !config.protectReads()) {
                return CheckResult.permit();
            }
            return identity.map(id -> id.isAnonymous() ? CheckResult.DENY : CheckResult.PERMIT);
        }

        @Override
        public String name() {
            return "denoise-read";
        }
    }
}
