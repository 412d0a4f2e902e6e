package org.qkdv2i.zap.api;

/**
 * Keys of one {@link ProtectedChannel} direction pair. Separate send and receive keys, so
 * the two directions never share a nonce space.
 *
 * @param channelId  identifies the channel on the wire (e.g. DPN session ID), not secret
 * @param epoch      key epoch (incremented by each rekey), carried on the wire
 * @param sendKey    32 bytes
 * @param receiveKey 32 bytes
 */
public record ChannelKeys(long channelId, int epoch, byte[] sendKey, byte[] receiveKey) {

    public ChannelKeys {
        if (sendKey == null || sendKey.length != 32 || receiveKey == null || receiveKey.length != 32) {
            throw new IllegalArgumentException("channel keys are 32 bytes each");
        }
    }

    @Override
    public String toString() {
        return "ChannelKeys[channel=" + channelId + ", epoch=" + epoch + ", keys hidden]";
    }
}
