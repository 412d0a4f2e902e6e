package org.qkdv2i.v2x.codec.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.codec.CamCodec;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Stateless UPER Cam codec, offered as a {@link CamCodec} service. */
@Component(service = CamCodec.class)
public final class UperCamCodec implements CamCodec {

    @Override
    public byte[] encode(Cam message) {
        Objects.requireNonNull(message, "message");
        BitWriter w = new BitWriter();
        CamUper.encode(w, message);
        return w.toByteArray();
    }

    @Override
    public DecodeResult<Cam> decode(byte[] encoding) {
        return Decoding.run(encoding, "cam", CamUper::decode);
    }
}
