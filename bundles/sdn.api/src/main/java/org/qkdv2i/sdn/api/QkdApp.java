package org.qkdv2i.sdn.api;

import java.time.Instant;
import java.util.List;

/**
 * {@code qkd_applications/qkd_app[app_id]}: an application registered at the node, i.e. a
 * set of SAEs allowed to share keys (ETSI GS QKD 015 §5.2).
 *
 * @param appId          the application (list key)
 * @param appStatus      its status (state data); null if absent
 * @param appType        CLIENT or INTERNAL; null if absent
 * @param serverAppId    the SAE that asked for the application; null if absent
 * @param clientAppId    the SAE(s) allowed to receive its keys; never null
 * @param appPriority    priority (uint32, YANG default 0); null if absent
 * @param creationTime   when it was created (state data); null if absent
 * @param expirationTime when it expires; null if absent
 * @param appStatistics  key consumption per period (state data); never null
 * @param appQos         requested QoS; null if absent
 * @param backingQkdlId  the links providing its keys; never null
 * @param localQkdnId    the node serving the local SAE; null if absent
 * @param remoteQkdnId   the node serving the remote SAE(s); null if absent
 */
public record QkdApp(String appId, AppStatus appStatus, AppType appType, String serverAppId, List<String> clientAppId,
        Long appPriority, Instant creationTime, Instant expirationTime, List<AppStatistic> appStatistics, AppQos appQos,
        List<String> backingQkdlId, String localQkdnId, String remoteQkdnId) {

    public QkdApp {
        Checks.id(appId, "app_id");
        clientAppId = Checks.list(clientAppId, "client_app_id");
        Checks.uint32(appPriority, "app_priority");
        appStatistics = Checks.list(appStatistics, "app_statistics");
        backingQkdlId = Checks.list(backingQkdlId, "backing_qkdl_id");
    }

    /** The same application with another status (the agent sets it). */
    public QkdApp withStatus(AppStatus status) {
        return new QkdApp(appId, status, appType, serverAppId, clientAppId, appPriority, creationTime, expirationTime,
                appStatistics, appQos, backingQkdlId, localQkdnId, remoteQkdnId);
    }

    /** The same application with a creation time (the agent sets it). */
    public QkdApp withCreationTime(Instant time) {
        return new QkdApp(appId, appStatus, appType, serverAppId, clientAppId, appPriority, time, expirationTime,
                appStatistics, appQos, backingQkdlId, localQkdnId, remoteQkdnId);
    }

    /** The same application with other statistics (the agent sets them). */
    public QkdApp withStatistics(List<AppStatistic> statistics) {
        return new QkdApp(appId, appStatus, appType, serverAppId, clientAppId, appPriority, creationTime,
                expirationTime, statistics, appQos, backingQkdlId, localQkdnId, remoteQkdnId);
    }
}
