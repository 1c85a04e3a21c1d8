package org.llmworkbench.train;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

/**
 * A saved point of a run: {@code step-NNNNNNNN.safetensors} holds the model's weights
 * ({@code model.NAME}) and AdamW's moments ({@code optim.m.NAME}, {@code optim.v.NAME});
 * {@code step-NNNNNNNN.json} says where the run was (step, epoch, batch, tokens), which weights
 * file belongs to it (size and sha256), the metrics so far and the caller's metadata (model
 * config, tokenizer, data). The JSON is written last: a checkpoint exists once its JSON does.
 *
 * @param json            the checkpoint's JSON file
 * @param weights         its safetensors file
 * @param step            optimizer steps done
 * @param epoch           the epoch the next micro-batch comes from
 * @param batchInEpoch    micro-batches of that epoch already consumed
 * @param tokens          training tokens seen
 * @param valLoss         validation loss at this step (NaN when not evaluated)
 * @param meta            what the caller stored with it (model config, tokenizer, data …)
 */
public record Checkpoint(Path json, Path weights, long step, int epoch, int batchInEpoch, long tokens,
                         double valLoss, JsonNode meta, JsonNode metrics) {
}
