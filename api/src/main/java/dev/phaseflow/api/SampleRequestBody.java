package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /v1/samples}, and the {@code request} a {@code started} event echoes.
 * Every field is optional: absent and null mean the server's default. Unknown fields are rejected.
 *
 * @param timeout seconds; past it the run ends with an error event (a started event does not echo it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SampleRequestBody(Integer count, Integer steps, String solver, String schedule, String mode, Long seed,
                                @JsonProperty("preview_every") Integer previewEvery, Double eta, Double timeout) {

    /** The fields a body may have, in the order of the API description. */
    public static final List<String> FIELDS = Wire.fields(SampleRequestBody.class);
}
