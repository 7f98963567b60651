package org.denoiselab.eval;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.pipeline.store.Sha256;
import org.denoiselab.service.Pipeline;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * GET /objects/{key}: the small artifacts the results page shows, streamed from the store: a run's grids
 * ({@code runs/{run}/grids/epoch-NNNN.png}) and evaluation results ({@code runs/{run}/evals/epoch-NNNN-*.json}).
 * Nothing else (checkpoints, sample batches, statistics, models): the key is judged by its form before the
 * store is asked, so the answer does not tell whether anything else exists. Bytes are copied through in 64
 * KiB pieces while their SHA-256 is computed; a mismatch with the checksum recorded at upload aborts the
 * response instead of completing it. ETag = that checksum, so a browser re-validates for free.
 */
@Path("/objects")
public class ObjectsResource {
    /** grid PNGs and evaluation JSONs of a run (ObjectLayout.grid, ObjectLayout.evaluation) */
    static final Pattern SERVED = Pattern.compile("runs/[A-Za-z0-9][A-Za-z0-9._-]{0,127}/"
            + "(grids/epoch-\\d{4,}\\.png|evals/epoch-\\d{4,}-[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.json)");

    private static final Map<String, String> TYPES = Map.of(".png", "image/png", ".json", MediaType.APPLICATION_JSON);

    @Inject
    Pipeline pipeline;

    /** largest object served, bytes (DENOISE_EVAL_OBJECTS_MAX_BYTES; a grid is tens of KiB) */
    @ConfigProperty(name = "denoise.eval.objects-max-bytes", defaultValue = "16777216")
    long maxBytes;

    /**
     * @return 200 with the bytes (image/png or application/json), 304 when If-None-Match holds the checksum,
     *     404 for a key of another form or a missing object, 403 for an object larger than the limit
     */
    @GET
    @Path("{key: .+}")
    public Response object(@PathParam("key") String key, @HeaderParam("If-None-Match") String ifNoneMatch) {
        if (!SERVED.matcher(key).matches() || key.contains("..")) {
            return problem(
                    Response.Status.NOT_FOUND,
                    "only grids (runs/{run}/grids/epoch-NNNN.png) and evaluation results"
                            + " (runs/{run}/evals/epoch-NNNN-{extractor}.json) are served");
        }
        ObjectStore store = pipeline.store();
        Optional<ObjectStore.Opened> opened = store.open(key);
        if (opened.isEmpty()) {
            return problem(Response.Status.NOT_FOUND, "no object '" + key + "' (yet)");
        }
        ObjectStore.Opened o = opened.get();
        String etag = "\"" + o.sha256() + "\"";
        if (etag.equals(ifNoneMatch)) {
            close(o);
            return Response.notModified().tag(o.sha256()).build();
        }
        if (o.sizeBytes() > maxBytes) {
            close(o);
            return problem(
                    Response.Status.FORBIDDEN,
                    "'" + key + "' has " + o.sizeBytes() + " bytes, more than the " + maxBytes
                            + " this endpoint serves");
        }
        StreamingOutput body = out -> {
            try (o) {
                Sha256.copyVerified(key, o.stream(), out, o.sha256());
            }
        };
        String type = TYPES.get(key.substring(key.lastIndexOf('.')));
        return Response.ok(body, type)
                .header("Content-Length", o.sizeBytes())
                .header("ETag", etag)
                .header("Cache-Control", "max-age=3600")
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    private static void close(ObjectStore.Opened o) {
        try {
            o.close();
        } catch (java.io.IOException e) {
            // nothing was read; the connection goes back to the pool or is dropped
        }
    }

    private static Response problem(Response.Status status, String error) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", error))
                .build();
    }
}
