package org.qkdv2i.sdn.agent.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.qkdv2i.sdn.api.RestconfError;
import org.qkdv2i.sdn.api.json.Qkd015Json;

/**
 * Errors Jetty raises before the handler runs (bad URI, header too large, ...) get an
 * RFC 8040 {@code ietf-restconf:errors} body, never HTML and never a stack trace.
 */
final class ErrorsHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, Qkd015Json.MEDIA_TYPE);

    ErrorsHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        if (code == 204 || code == 304) {
            callback.succeeded();
            return;
        }
        byte[] body = body(code);
        response.getHeaders().put(JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int code) {
        String r = HttpStatus.getMessage(code);
        String message = r == null ? "HTTP " + code : r.toLowerCase(Locale.ROOT);
        String tag = code == 413 || code == 431 ? "too-big" : code >= 500 ? "operation-failed" : "malformed-message";
        return Qkd015Json.strict().writeErrors(List.of(RestconfError.protocol(tag, null, message)));
    }
}
