package dev.bm3.torch;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Java array / tensor conversion; every result is a fresh tensor owned by the caller's scope. */
public final class Tensors {
    private Tensors() {
    }

    /** Options for a dense tensor of {@code dtype} on {@code device}. */
    public static TensorOptions options(torch.ScalarType dtype, Device device) {
        return new TensorOptions(dtype).device(new org.bytedeco.pytorch.DeviceOptional(device));
    }

    /** A copy of {@code data} as a rows x cols tensor of {@code dtype} on {@code device}. */
    public static Tensor fromFloats(float[] data, long rows, long cols, torch.ScalarType dtype, Device device) {
        Tensor cpu;
        try (FloatPointer p = new FloatPointer(data)) {
            cpu = torch.from_blob(p, new long[] {rows, cols}, new TensorOptions(torch.ScalarType.Float)).clone();
        }
        return cpu.to(device, dtype);
    }

    /** A copy of {@code ids} as an int64 vector on {@code device} (LibTorch indexes with int64). */
    public static Tensor fromInts(int[] ids, Device device) {
        long[] wide = new long[ids.length];
        for (int k = 0; k < ids.length; k++) {
            wide[k] = ids[k];
        }
        return fromLongs(wide, device);
    }

    public static Tensor fromLongs(long[] values, Device device) {
        Tensor cpu;
        try (LongPointer p = new LongPointer(values)) {
            cpu = torch.from_blob(p, new long[] {values.length}, new TensorOptions(torch.ScalarType.Long)).clone();
        }
        return cpu.to(device, torch.ScalarType.Long);
    }

    /** Copies a tensor of any float dtype/device into {@code out} (row-major), as float32. */
    public static void copyTo(Tensor t, float[] out) {
        Tensor c = t.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Float).contiguous();
        if (c.numel() != out.length) {
            throw new IllegalArgumentException("tensor has " + c.numel() + " values, array " + out.length);
        }
        c.data_ptr_float().get(out, 0, out.length);
    }

    /** A copy of the tensor's values as float32. */
    public static float[] toFloats(Tensor t) {
        float[] out = new float[Math.toIntExact(t.numel())];
        copyTo(t, out);
        return out;
    }

    /** A copy of the tensor's values as float64. */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Double).contiguous();
        double[] out = new double[Math.toIntExact(c.numel())];
        DoublePointer p = c.data_ptr_double();
        p.get(out, 0, out.length);
        return out;
    }

    /** Keeps a tensor alive past the enclosing PointerScope; release it with {@code close()}. */
    public static Tensor keep(Tensor t) {
        t.retainReference();
        return t;
    }
}
