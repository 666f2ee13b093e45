package dev.bm3.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Interactions split into train/validation/test plus any number of named item-feature modalities.
 * Validation and test hold no cold-start users (users without a training row): loaders drop those
 * rows, as the reference does. {@code checksum} identifies the content (ids, splits, features) so a
 * run can record and later verify the data it was trained on.
 */
public final class Dataset {
    private final String name;
    private final int nUsers;
    private final int nItems;
    private final Split train;
    private final Split valid;
    private final Split test;
    private final Map<String, FeatureMatrix> modalities;
    private final String checksum;
    private final int coldStartRowsDropped;
    private UserItems trainByUser;

    public Dataset(String name, int nUsers, int nItems, Split train, Split valid, Split test,
                   Map<String, FeatureMatrix> modalities, String checksum) {
        this(name, nUsers, nItems, train, valid, test, modalities, checksum, 0);
    }

    /** As above, recording how many validation/test rows of cold-start users the loader dropped. */
    public Dataset(String name, int nUsers, int nItems, Split train, Split valid, Split test,
                   Map<String, FeatureMatrix> modalities, String checksum, int coldStartRowsDropped) {
        this.name = Objects.requireNonNull(name);
        this.nUsers = nUsers;
        this.nItems = nItems;
        this.train = Objects.requireNonNull(train);
        this.valid = Objects.requireNonNull(valid);
        this.test = Objects.requireNonNull(test);
        this.modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
        this.checksum = Objects.requireNonNull(checksum);
        if (coldStartRowsDropped < 0) {
            throw new IllegalArgumentException("coldStartRowsDropped must be >= 0, got " + coldStartRowsDropped);
        }
        this.coldStartRowsDropped = coldStartRowsDropped;
        for (FeatureMatrix f : this.modalities.values()) {
            if (f.rows() != nItems) {
                throw new IllegalArgumentException("modality '" + f.name() + "' has " + f.rows()
                        + " rows, expected n_items = " + nItems);
            }
        }
    }

    public String name() { return name; }
    public int nUsers() { return nUsers; }
    public int nItems() { return nItems; }
    public Split train() { return train; }
    public Split valid() { return valid; }
    public Split test() { return test; }
    /** Modalities in a stable order (the order they were declared). */
    public Map<String, FeatureMatrix> modalities() { return modalities; }
    public String checksum() { return checksum; }
    /** Validation/test rows dropped because their user had no training row. */
    public int coldStartRowsDropped() { return coldStartRowsDropped; }

    /** Distinct training items per user (the mask at ranking time); computed once. */
    public synchronized UserItems trainByUser() {
        if (trainByUser == null) {
            trainByUser = train.byUser(nUsers);
        }
        return trainByUser;
    }

    public Split split(SplitName which) {
        return switch (which) {
            case TRAIN -> train;
            case VALID -> valid;
            case TEST -> test;
        };
    }
}
