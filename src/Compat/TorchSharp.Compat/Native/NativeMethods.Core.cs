using System;
using System.Runtime.InteropServices;

namespace TorchSharp.Native
{
    // Declarations mirror src/Native/torchsharp_bridge/tensor_core.cpp, random.cpp and factories.cpp.
    internal static unsafe partial class NativeMethods
    {
        private const string Lib = NativeLibraryResolver.BridgeLibrary;

        [DllImport(Lib)] internal static extern IntPtr tsb_last_error();
        [DllImport(Lib)] internal static extern void tsb_clear_last_error();
        [DllImport(Lib)] internal static extern void tsb_free_handle_array(IntPtr array);
        [DllImport(Lib)] internal static extern void tsb_tensor_dispose(IntPtr t);

        // metadata
        [DllImport(Lib)] internal static extern int tsb_tensor_ndim(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_shape(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_strides(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_storage_offset(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_numel(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_dtype(IntPtr t, sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_element_size(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_device(IntPtr t, int* type, int* index);
        [DllImport(Lib)] internal static extern int tsb_tensor_is_contiguous(IntPtr t, sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_data_ptr(IntPtr t, void** result);
        [DllImport(Lib)] internal static extern int tsb_tensor_item_double(IntPtr t, double* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_item_int64(IntPtr t, long* result);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_from_data(void* data, long* shape, int ndim, sbyte sourceDtype, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern int tsb_tensor_copy_to_buffer(IntPtr t, void* buffer, long nbytes);
        [DllImport(Lib)] internal static extern int tsb_tensor_copy_from_buffer(IntPtr t, void* buffer, long nbytes);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_to(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool copy, bool nonBlocking);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_alias(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_tensor_set_data(IntPtr t, IntPtr data);

        // autograd
        [DllImport(Lib)] internal static extern int tsb_tensor_requires_grad(IntPtr t, sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_set_requires_grad(IntPtr t, bool value);
        [DllImport(Lib)] internal static extern int tsb_tensor_is_leaf(IntPtr t, sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_grad(IntPtr t, IntPtr* result);
        [DllImport(Lib)] internal static extern int tsb_tensor_set_grad(IntPtr t, IntPtr grad);
        [DllImport(Lib)] internal static extern int tsb_tensor_retain_grad(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_backward(IntPtr* tensors, int count, IntPtr* grads, int gradCount, bool retainGraph, bool createGraph, IntPtr* inputs, int inputCount);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_detach(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_tensor_detach_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_clone(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_tensor_contiguous(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_set_grad_enabled(bool enabled, sbyte* previous);
        [DllImport(Lib)] internal static extern sbyte tsb_is_grad_enabled();

        // runtime
        [DllImport(Lib)] internal static extern int tsb_set_num_threads(int threads);
        [DllImport(Lib)] internal static extern int tsb_get_num_threads();
        [DllImport(Lib)] internal static extern int tsb_set_num_interop_threads(int threads);
        [DllImport(Lib)] internal static extern int tsb_get_num_interop_threads();
        [DllImport(Lib)] internal static extern int tsb_cuda_is_available(sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_cuda_device_count(int* result);

        // random
        [DllImport(Lib)] internal static extern int tsb_manual_seed(long seed);
        [DllImport(Lib)] internal static extern int tsb_seed(long* result);
        [DllImport(Lib)] internal static extern int tsb_initial_seed(long* result);
        [DllImport(Lib)] internal static extern IntPtr tsb_generator_new(long seed, int deviceType, int deviceIndex);
        [DllImport(Lib)] internal static extern IntPtr tsb_generator_default(int deviceType);
        [DllImport(Lib)] internal static extern void tsb_generator_dispose(IntPtr generator);
        [DllImport(Lib)] internal static extern int tsb_generator_manual_seed(IntPtr generator, long seed);
        [DllImport(Lib)] internal static extern int tsb_generator_initial_seed(IntPtr generator, long* result);
        [DllImport(Lib)] internal static extern IntPtr tsb_generator_get_state(IntPtr generator);
        [DllImport(Lib)] internal static extern int tsb_generator_set_state(IntPtr generator, IntPtr state);
        [DllImport(Lib)] internal static extern IntPtr tsb_rand(long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad, IntPtr generator);
        [DllImport(Lib)] internal static extern IntPtr tsb_randn(long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad, IntPtr generator);
        [DllImport(Lib)] internal static extern IntPtr tsb_randint(long low, long high, long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad, IntPtr generator);
        [DllImport(Lib)] internal static extern IntPtr tsb_randperm(long n, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad, IntPtr generator);
        [DllImport(Lib)] internal static extern IntPtr tsb_rand_like(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_randn_like(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern int tsb_tensor_uniform_(IntPtr t, double low, double high, IntPtr generator);
        [DllImport(Lib)] internal static extern int tsb_tensor_normal_(IntPtr t, double mean, double std, IntPtr generator);
        [DllImport(Lib)] internal static extern int tsb_tensor_bernoulli_(IntPtr t, double p, IntPtr generator);
        [DllImport(Lib)] internal static extern IntPtr tsb_multinomial(IntPtr t, long numSamples, bool replacement, IntPtr generator);

        // factories
        [DllImport(Lib)] internal static extern IntPtr tsb_zeros(long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_ones(long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_empty(long* shape, int ndim, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_zeros_like(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_ones_like(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_empty_like(IntPtr t, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_full(long* shape, int ndim, ScalarArg value, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_full_like(IntPtr t, ScalarArg value, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_arange(ScalarArg start, ScalarArg end, ScalarArg step, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_linspace(double start, double end, long steps, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
        [DllImport(Lib)] internal static extern IntPtr tsb_eye(long rows, long columns, sbyte dtype, int deviceType, int deviceIndex, bool requiresGrad);
    }
}
