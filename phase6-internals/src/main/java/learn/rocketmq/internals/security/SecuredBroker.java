package learn.rocketmq.internals.security;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;

/**
 * A broker with ACL 2.0 switched on (rocketmq-auth 5.5.0; ACL 1.0's plain_acl.yml is gone): every
 * request must carry a user's signature (authentication) and that user must be allowed the action
 * on the resource (authorization). The keys are the broker's, in broker.conf in a real
 * installation; 5.5.0 has no default providers, so all four are named. The first user, a super
 * user, comes from {@code initAuthenticationUser}; the broker's own internal requests sign with
 * {@code innerClientAuthenticationCredentials}. Users and policies live in the broker's store
 * ({@code store/config}, RocksDB) and are managed with the admin API, as {@code mqadmin createUser}
 * and {@code mqadmin createAcl} do.
 */
public final class SecuredBroker {

    public static final String ADMIN = "rocketmq";
    public static final String ADMIN_PASSWORD = "12345678";

    private SecuredBroker() {
    }

    /**
     * One NameServer, one broker and a proxy, with authentication and authorization on. The proxy
     * (rmq-proxy.json keys, {@code proxy.}-prefixed here) checks 5.x clients itself, reading users
     * and policies from the broker with its own inner credentials.
     */
    public static RocketMQCluster.Topology topology() {
        String superUser = String.format("{\"username\":\"%s\",\"password\":\"%s\"}", ADMIN, ADMIN_PASSWORD);
        String inner = String.format("{\"accessKey\":\"%s\",\"secretKey\":\"%s\"}", ADMIN, ADMIN_PASSWORD);
        return RocketMQCluster.topology().nameServers(1).brokerGroup("broker-a").proxy()
            .set("proxy.authenticationEnabled", "true")
            .set("proxy.authenticationProvider", "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider")
            .set("proxy.authenticationMetadataProvider", "org.apache.rocketmq.proxy.auth.ProxyAuthenticationMetadataProvider")
            .set("proxy.authorizationEnabled", "true")
            .set("proxy.authorizationProvider", "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider")
            .set("proxy.authorizationMetadataProvider", "org.apache.rocketmq.proxy.auth.ProxyAuthorizationMetadataProvider")
            .set("proxy.innerClientAuthenticationCredentials", inner)
            .set("proxy.enableAclRpcHookForClusterMode", "true") // without it the proxy ignores its credentials
            .set("authenticationEnabled", "true")
            .set("authenticationProvider", "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider")
            .set("authenticationMetadataProvider", "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider")
            .set("authorizationEnabled", "true")
            .set("authorizationProvider", "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider")
            .set("authorizationMetadataProvider", "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider")
            .set("initAuthenticationUser", superUser)
            .set("innerClientAuthenticationCredentials", inner);
    }

    /** What a classic client adds to every request: the access key and a signature made with the secret. */
    public static RPCHook credentials(String user, String password) {
        return new AclClientRPCHook(new SessionCredentials(user, password));
    }

    /** The admin API as the super user. */
    public static RocketMQAdmin admin(RocketMQ rocketmq) {
        return RocketMQAdmin.connect(rocketmq, credentials(ADMIN, ADMIN_PASSWORD));
    }
}
