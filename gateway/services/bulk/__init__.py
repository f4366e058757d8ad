"""The bulk exchange: one signed, streamed NDJSON request of up to 100,000 lines, answered line
by line — the capability every register-sized message uses (comparison runs, bank results).

    kinds.py       what a kind of batch is: its parameters, and how it answers a chunk of lines
    reception.py   receiving the stream in bounded memory: lines in chunks, the digest computed
                   as the bytes pass; a batch not wholly received (or whose digest fails) is
                   refused whole and its lines removed — never half-applied
    processing.py  the batch worker: leases a received batch, answers its lines chunk by chunk
                   (progress = lines done / total), then digests and signs the results
"""
